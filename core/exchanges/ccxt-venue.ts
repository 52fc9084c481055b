import ccxt, { type Dict, type Exchange, type Market, type Order } from 'ccxt';
import type { BalanceLine } from '../brokers/paper-account';
import { Dec } from '../decimal';
import type { CheckedOrder } from '../trading/order-check';
import { orderRefusalReason } from '../trading/order-messages';
import { OrderRefusedError } from '../trading/order-refusal';
import type { MarketRules, OrderStatus, OrderView } from '../trading/orders';
import { exchangeProtects, type PlacedProtection, type ProtectionLegs } from '../trading/protection';
import type { Candle, Venue } from '../trading/venue';
import { mapExchangeError } from './errors';
import { marketRules } from './markets';
import type { Reservation } from './request-pacer';

type Num = number | undefined | null;

/** Binance's order-list endpoints, as ccxt's implicit API signs and sends them (no unified method for them). */
interface BinanceOrderLists {
  privatePostOrderListOco(params: Record<string, string>): Promise<{ orderListId: number; orderReports: unknown[] }>;
  privateDeleteOrderList(params: Record<string, string>): Promise<{ orderReports: unknown[] }>;
}

/** A real exchange account through its own ccxt instance (credentials applied, markets shared). */
export class CcxtVenue implements Venue {
  constructor(
    private readonly exchange: Exchange,
    readonly name: string,
    /** Resolves when the next request may leave (the exchange's rate limit, across processes). */
    private readonly pace: () => Promise<void> = async () => undefined,
    /** Takes the next request's turn ahead of time (see prepareRequest). */
    private readonly reserve?: () => Reservation,
  ) {}

  private reserved?: Reservation;

  /** Starts waiting for the next request's turn now, so the wait overlaps what comes before that request. */
  prepareRequest(): void {
    if (this.reserve) this.reserved ??= this.reserve();
  }

  private text(value: Num): string | null {
    return value === undefined || value === null ? null : this.exchange.numberToString(value);
  }

  /** Every ccxt call goes through here, so its errors are mapped once. */
  private async call<T>(work: () => Promise<T>, sendsRequest = true): Promise<T> {
    try {
      if (sendsRequest) {
        const reserved = this.reserved;
        this.reserved = undefined;
        if (reserved) {
          await reserved.ready;
          reserved.sent();
        } else {
          await this.pace();
        }
      }
      return await work();
    } catch (error) {
      throw mapExchangeError(error, this.name);
    }
  }

  view(order: Order): OrderView {
    const status = (['open', 'closed', 'canceled', 'expired', 'rejected'] as const).includes(
      order.status as OrderStatus,
    )
      ? (order.status as OrderStatus)
      : 'open';
    const filled = order.filled ?? 0;
    const listId = (order.info as { orderListId?: unknown } | undefined)?.orderListId;
    return {
      id: String(order.id),
      clientOrderId: order.clientOrderId ?? null,
      symbol: order.symbol ?? '',
      side: order.side as 'buy' | 'sell',
      type: String(order.type ?? 'market'),
      status,
      amount: this.text(order.amount) ?? '0',
      price: order.price ? this.text(order.price) : null,
      filled: this.text(filled) ?? '0',
      average: order.average ? this.text(order.average) : null,
      cost: this.text(order.cost ?? 0) ?? '0',
      fee: order.fee?.cost !== undefined ? this.text(order.fee.cost) : null,
      feeCurrency: order.fee?.currency ?? null,
      timestamp: order.timestamp ?? null,
      // ccxt gives the last trade's time only to open and filled orders; a cancelled one filled in part was last
      // touched when it was cancelled, the nearest the report says.
      filledAt: order.lastTradeTimestamp ?? (Number(filled) > 0 ? order.lastUpdateTimestamp : undefined) ?? null,
      ...(typeof listId === 'number' && listId >= 0 ? { listId: String(listId) } : {}),
    };
  }

  balance(): Promise<BalanceLine[]> {
    return this.call(async () => {
      const balance = await this.exchange.fetchBalance();
      const totals = (balance.total ?? {}) as unknown as Record<string, Num>;
      const free = (balance.free ?? {}) as unknown as Record<string, Num>;
      const used = (balance.used ?? {}) as unknown as Record<string, Num>;
      return Object.keys(totals)
        .filter((asset) => Number(totals[asset]) > 0)
        .sort()
        .map((asset) => ({
          asset,
          free: this.text(free[asset] ?? 0)!,
          used: this.text(used[asset] ?? 0)!,
          total: this.text(totals[asset] ?? 0)!,
        }));
    });
  }

  market(symbol: string): Promise<MarketRules> {
    return this.call(async () => {
      const market = this.exchange.markets?.[symbol];
      if (!market) {
        const reason = orderRefusalReason('unknownSymbol', 'symbol', { symbol, exchange: this.name });
        throw new OrderRefusedError('UNKNOWN_SYMBOL', reason, 'symbol');
      }
      return marketRules(this.exchange, market);
    }, false);
  }

  tickers(symbols?: string[]): Promise<Record<string, string>> {
    return this.call(async () => {
      const known = symbols?.filter((s) => this.exchange.markets?.[s]);
      if (known && known.length === 0) return {};
      // One symbol is the common case (an order's reference price) and costs the exchange's lightest weight.
      const tickers =
        known?.length === 1
          ? { [known[0]!]: await this.exchange.fetchTicker(known[0]!) }
          : await this.exchange.fetchTickers(known);
      const prices: Record<string, string> = {};
      for (const [symbol, ticker] of Object.entries(tickers)) {
        const last = this.text(ticker.last ?? ticker.close);
        if (last) prices[symbol] = last;
      }
      return prices;
    });
  }

  createOrder(order: CheckedOrder, clientOrderId: string): Promise<OrderView> {
    return this.call(async () =>
      this.view(
        await this.exchange.createOrder(
          order.symbol,
          order.type,
          order.side,
          Number(order.amount),
          order.price === null ? undefined : Number(order.price),
          { clientOrderId },
        ),
      ),
    );
  }

  /**
   * An order as asked of the exchange after it was placed, with its fee: Binance's order query (like most) does not
   * carry the fills, so the fee of an order that filled since it was placed (a resting limit, a protective leg, an
   * order recovered by its client id) comes from its trades — one more request, once the order has filled.
   */
  private async withFee(order: Order, symbol: string): Promise<Order> {
    if (order.fee?.cost !== undefined || !((order.filled ?? 0) > 0) || !this.exchange.has['fetchOrderTrades']) {
      return order;
    }
    await this.pace();
    const fees = (await this.exchange.fetchOrderTrades(String(order.id), symbol))
      .map((trade) => trade.fee)
      .filter((fee) => fee?.cost !== undefined && fee.currency);
    if (!fees.length) return order;
    const currency = fees[0]!.currency;
    const cost = fees
      .filter((fee) => fee!.currency === currency)
      .reduce((sum, fee) => sum.plus(this.exchange.numberToString(fee!.cost!)), Dec(0));
    return { ...order, fee: { cost: cost.toNumber(), currency } };
  }

  findByClientOrderId(symbol: string, clientOrderId: string): Promise<OrderView | null> {
    return this.call(async () => {
      try {
        return this.view(await this.withFee(await this.exchange.fetchOrder('', symbol, { clientOrderId }), symbol));
      } catch (error) {
        if (error instanceof ccxt.OrderNotFound) return null;
        throw error;
      }
    });
  }

  fetchOrder(id: string, symbol: string): Promise<OrderView> {
    return this.call(async () => this.view(await this.withFee(await this.exchange.fetchOrder(id, symbol), symbol)));
  }

  cancelOrder(id: string, symbol: string): Promise<OrderView> {
    return this.call(async () => this.view(await this.exchange.cancelOrder(id, symbol)));
  }

  openOrders(symbol?: string): Promise<OrderView[]> {
    return this.call(async () => (await this.exchange.fetchOpenOrders(symbol)).map((o) => this.view(o)));
  }

  placeProtection(legs: ProtectionLegs): Promise<PlacedProtection> {
    return this.call(async () => {
      this.protecting();
      const { stop, target } = legs;
      if (stop && target) {
        const market = this.exchange.market(legs.symbol);
        const list = await (this.exchange as unknown as BinanceOrderLists).privatePostOrderListOco({
          symbol: String(market.id),
          side: 'SELL',
          quantity: legs.amount,
          listClientOrderId: legs.listClientOrderId,
          aboveType: 'LIMIT_MAKER',
          abovePrice: target.price,
          aboveClientOrderId: target.clientOrderId,
          belowType: 'STOP_LOSS_LIMIT',
          belowStopPrice: stop.trigger,
          belowPrice: stop.price,
          belowTimeInForce: 'GTC',
          belowClientOrderId: stop.clientOrderId,
        });
        return { listId: String(list.orderListId), legs: this.reports(list.orderReports, market) };
      }
      const price = stop?.price ?? target!.price;
      const params = stop
        ? { clientOrderId: stop.clientOrderId, stopLossPrice: stop.trigger }
        : { clientOrderId: target!.clientOrderId };
      const order = await this.exchange.createOrder(
        legs.symbol,
        'limit',
        'sell',
        Number(legs.amount),
        Number(price),
        params,
      );
      return { listId: null, legs: [this.view(order)] };
    });
  }

  cancelProtection(symbol: string, listId: string | null, orderIds: string[]): Promise<OrderView[]> {
    if (listId === null) return Promise.all(orderIds.map((id) => this.cancelOrder(id, symbol)));
    return this.call(async () => {
      this.protecting();
      const market = this.exchange.market(symbol);
      const list = await (this.exchange as unknown as BinanceOrderLists).privateDeleteOrderList({
        symbol: String(market.id),
        orderListId: listId,
      });
      return this.reports(list.orderReports, market);
    });
  }

  private protecting(): void {
    if (!exchangeProtects(this.exchange.id)) {
      throw new OrderRefusedError(
        'PROTECTION_UNSUPPORTED',
        orderRefusalReason('protectionUnsupported', null, { exchange: this.name }),
      );
    }
  }

  private reports(reports: unknown[], market: Market): OrderView[] {
    return reports.map((report) => this.view(this.exchange.parseOrder(report as Dict, market)));
  }

  ohlcv(symbol: string, timeframe: string, since?: number, limit?: number): Promise<Candle[]> {
    return this.call(async () =>
      (await this.exchange.fetchOHLCV(symbol, timeframe, since, limit)).map(([time, o, h, l, c, v]) => ({
        time: Number(time),
        open: this.text(o)!,
        high: this.text(h)!,
        low: this.text(l)!,
        close: this.text(c)!,
        volume: this.text(v)!,
      })),
    );
  }
}
