import ccxt, { type Exchange, type Order } from 'ccxt';
import type { BalanceLine } from '../brokers/paper-account';
import type { CheckedOrder } from '../trading/order-check';
import { orderRefusalReason } from '../trading/order-messages';
import { OrderRefusedError } from '../trading/order-refusal';
import type { MarketRules, OrderStatus, OrderView } from '../trading/orders';
import type { Candle, Venue } from '../trading/venue';
import { mapExchangeError } from './errors';
import { marketRules } from './markets';
import type { Reservation } from './request-pacer';

type Num = number | undefined | null;

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

  findByClientOrderId(symbol: string, clientOrderId: string): Promise<OrderView | null> {
    return this.call(async () => {
      try {
        return this.view(await this.exchange.fetchOrder('', symbol, { clientOrderId }));
      } catch (error) {
        if (error instanceof ccxt.OrderNotFound) return null;
        throw error;
      }
    });
  }

  fetchOrder(id: string, symbol: string): Promise<OrderView> {
    return this.call(async () => this.view(await this.exchange.fetchOrder(id, symbol)));
  }

  cancelOrder(id: string, symbol: string): Promise<OrderView> {
    return this.call(async () => this.view(await this.exchange.cancelOrder(id, symbol)));
  }

  openOrders(symbol?: string): Promise<OrderView[]> {
    return this.call(async () => (await this.exchange.fetchOpenOrders(symbol)).map((o) => this.view(o)));
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
