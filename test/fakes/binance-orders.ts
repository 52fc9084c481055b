import Decimal from 'decimal.js';

/** Binance's error reply: HTTP status and `{code, msg}` as in ../shared/fixtures/binance/rest/errors*.json. */
export class BinanceReject extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    msg: string,
  ) {
    super(msg);
  }
}

interface SymbolInfo {
  symbol: string;
  status: string;
  baseAsset: string;
  quoteAsset: string;
  filters: Record<string, string | number | boolean>[];
}

export interface FakeOrder {
  symbol: string;
  orderId: number;
  orderListId: number;
  clientOrderId: string;
  price: string;
  origQty: string;
  executedQty: string;
  cummulativeQuoteQty: string;
  status: 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED';
  timeInForce: string;
  type: 'MARKET' | 'LIMIT' | 'LIMIT_MAKER' | 'STOP_LOSS_LIMIT';
  /** A stop-limit's trigger ('0.00000000' otherwise); it rests untriggered until the price reaches it. */
  stopPrice: string;
  triggered: boolean;
  side: 'BUY' | 'SELL';
  time: number;
  updateTime: number;
  fills: { price: string; qty: string; commission: string; commissionAsset: string; tradeId: number }[];
}

const COMMISSION = '0.001';
/** Whether an order still works at the exchange: new, or filled in part. */
const working = (order: FakeOrder) => order.status === 'NEW' || order.status === 'PARTIALLY_FILLED';
const fixed8 = (value: Decimal.Value) => new Decimal(value).toFixed(8);

/**
 * The spot matching engine behind the fake Binance: filters checked as Binance checks them (PRICE_FILTER,
 * LOT_SIZE, NOTIONAL → -1013), funds checked (-2010), market orders filled at the symbol's current price, limit
 * orders resting until cancelled. A client order id is refused while an order with it is open and
 * accepted again once that order is done, as Binance does.
 */
export class FakeOrderBook {
  readonly orders: FakeOrder[] = [];
  private readonly prices = new Map<string, string>();
  /** Each order's account (API key). */
  private readonly owners = new Map<number, string>();
  private nextId = 1000;
  private nextTradeId = 1;
  private nextListId = 1;
  /** Each order list's client id. */
  private readonly lists = new Map<number, string>();

  constructor(
    private readonly symbols: SymbolInfo[],
    private readonly balances: (apiKey: string) => { asset: string; free: string; locked: string }[],
  ) {}

  /**
   * The market moves: resting limit orders it trades through fill at their price, as Binance's engine fills them; a
   * stop-limit whose stop it reaches starts working as a limit (filled at once at the market price when its limit
   * allows). A leg of an order list that fills expires the other, as Binance's OCO does.
   */
  setPrice(symbol: string, price: string, now = Date.now()): void {
    this.prices.set(symbol, price);
    const last = new Decimal(price);
    for (const order of this.orders) {
      if (order.symbol !== symbol || !working(order) || order.type === 'MARKET') continue;
      const limit = new Decimal(order.price);
      if (order.type === 'STOP_LOSS_LIMIT' && !order.triggered) {
        const stop = new Decimal(order.stopPrice);
        if (order.side === 'SELL' ? last.gt(stop) : last.lt(stop)) continue;
        order.triggered = true;
        // Binance's OCO: the stop triggering expires the target, whether or not the stop's limit then fills.
        this.expireOthers(order, now);
        if (order.side === 'SELL' ? last.gte(limit) : last.lte(limit)) {
          this.fillListed(order, last, now);
          continue;
        }
      }
      if (order.side === 'BUY' ? last.lte(limit) : last.gte(limit)) this.fillListed(order, limit, now);
    }
  }

  price(symbol: string): string {
    return this.prices.get(symbol) ?? '1.00000000';
  }

  info(symbol: string): SymbolInfo {
    const info = this.symbols.find((s) => s.symbol === symbol);
    if (!info) throw new BinanceReject(400, -1121, 'Invalid symbol.');
    return info;
  }

  place(apiKey: string, params: URLSearchParams, now: number): FakeOrder {
    const order = this.accept(apiKey, params, now, -1);
    this.reserve(apiKey, this.info(order.symbol), order, new Decimal(order.price).gt(0) ? order.price : null);
    const last = new Decimal(this.price(order.symbol));
    if (order.type === 'MARKET' || this.marketable(order, last)) {
      this.fill(apiKey, this.info(order.symbol), order, last, now);
    }
    this.orders.push(order);
    return order;
  }

  /**
   * An order list (`POST /api/v3/orderList/oco`): a LIMIT_MAKER above the market and a STOP_LOSS_LIMIT below it for
   * the same quantity, the asset locked once for both; when one fills the other expires.
   */
  placeOco(apiKey: string, params: URLSearchParams, now: number): { listId: number; legs: FakeOrder[] } {
    if (params.get('side') !== 'SELL' || params.get('aboveType') !== 'LIMIT_MAKER') {
      throw new BinanceReject(400, -1128, 'Combination of optional parameters invalid.');
    }
    if (params.get('belowType') !== 'STOP_LOSS_LIMIT') {
      throw new BinanceReject(400, -1128, 'Combination of optional parameters invalid.');
    }
    const listId = this.nextListId++;
    const leg = (prefix: 'above' | 'below', type: FakeOrder['type']) => {
      const legParams = new URLSearchParams({
        symbol: params.get('symbol') ?? '',
        side: 'SELL',
        type,
        quantity: params.get('quantity') ?? '0',
        price: params.get(`${prefix}Price`) ?? '0',
        timeInForce: params.get(`${prefix}TimeInForce`) ?? 'GTC',
      });
      const stop = params.get(`${prefix}StopPrice`);
      if (stop) legParams.set('stopPrice', stop);
      const id = params.get(`${prefix}ClientOrderId`);
      if (id) legParams.set('newClientOrderId', id);
      return this.accept(apiKey, legParams, now, listId);
    };
    const legs = [leg('below', 'STOP_LOSS_LIMIT'), leg('above', 'LIMIT_MAKER')];
    this.reserve(apiKey, this.info(legs[0]!.symbol), legs[0]!, null);
    this.lists.set(listId, params.get('listClientOrderId') ?? `list${listId}`);
    this.orders.push(...legs);
    return { listId, legs };
  }

  /** The list's client id, as Binance reports it. */
  listClientOrderId(listId: number): string {
    return this.lists.get(listId) ?? '';
  }

  /** Cancels both legs of a list (`DELETE /api/v3/orderList`), the asset they locked freed once. */
  cancelList(apiKey: string, params: URLSearchParams, now: number): { listId: number; legs: FakeOrder[] } {
    const byClient = params.get('listClientOrderId');
    const listId = byClient
      ? [...this.lists].find(([, id]) => id === byClient)?.[0]
      : Number(params.get('orderListId') ?? NaN);
    const legs = this.orders.filter((o) => o.orderListId === listId && o.symbol === params.get('symbol'));
    if (listId === undefined || !legs.length || !legs.some(working)) {
      throw new BinanceReject(400, -2011, 'Unknown order list sent.');
    }
    // The legs locked the asset once: what none of them filled is freed.
    const filled = legs.reduce((sum, o) => sum.plus(o.executedQty), new Decimal(0));
    this.release(apiKey, legs[0]!, filled);
    for (const o of legs) {
      if (!working(o)) continue;
      o.status = 'CANCELED';
      o.updateTime = now;
    }
    return { listId, legs };
  }

  /** Checks an order's parameters and filters as Binance does, and builds it (nothing reserved yet). */
  private accept(apiKey: string, params: URLSearchParams, now: number, orderListId: number): FakeOrder {
    const symbol = this.info(params.get('symbol') ?? '');
    const side = params.get('side') as FakeOrder['side'];
    const type = params.get('type') as FakeOrder['type'];
    const quantity = new Decimal(params.get('quantity') ?? '0');
    const clientOrderId = params.get('newClientOrderId') ?? `fake${this.nextId}`;
    if (this.orders.some((o) => o.clientOrderId === clientOrderId && working(o))) {
      throw new BinanceReject(400, -2010, 'Duplicate order sent.');
    }
    const limit = type === 'MARKET' ? undefined : new Decimal(params.get('price') ?? '0');
    const stopText = params.get('stopPrice');
    if (type === 'STOP_LOSS_LIMIT' && !stopText) {
      throw new BinanceReject(
        400,
        -1102,
        "Mandatory parameter 'stopPrice' was not sent, was empty/null, or malformed.",
      );
    }
    const last = new Decimal(this.price(symbol.symbol));
    const stop = new Decimal(stopText ?? 0);
    if (type === 'STOP_LOSS_LIMIT' && (side === 'SELL' ? last.lte(stop) : last.gte(stop))) {
      throw new BinanceReject(400, -2010, 'Stop price would trigger immediately.');
    }
    this.checkFilters(symbol, quantity, limit ?? last, limit !== undefined);
    const order: FakeOrder = {
      symbol: symbol.symbol,
      orderId: this.nextId++,
      orderListId,
      clientOrderId,
      price: fixed8(limit ?? 0),
      origQty: fixed8(quantity),
      executedQty: fixed8(0),
      cummulativeQuoteQty: fixed8(0),
      status: 'NEW',
      timeInForce: 'GTC',
      type,
      side,
      stopPrice: fixed8(stop),
      triggered: false,
      time: now,
      updateTime: now,
      fills: [],
    };
    if (type === 'LIMIT_MAKER' && this.marketable(order, last)) {
      throw new BinanceReject(400, -2010, 'Order would immediately match and take.');
    }
    this.owners.set(order.orderId, apiKey);
    return order;
  }

  /** Whether a limit order (or a triggered stop-limit) trades at this price. */
  private marketable(order: FakeOrder, last: Decimal): boolean {
    if (order.type === 'MARKET') return true;
    if (order.type === 'STOP_LOSS_LIMIT' && !order.triggered) return false;
    const limit = new Decimal(order.price);
    return order.side === 'BUY' ? last.lte(limit) : last.gte(limit);
  }

  /** Fills an order, and expires the other legs of its list. */
  private fillListed(order: FakeOrder, price: Decimal, now: number): void {
    this.fill(this.owners.get(order.orderId)!, this.info(order.symbol), order, price, now);
    this.expireOthers(order, now);
  }

  /** The other working legs of the order's list expire (a leg of an OCO filled, in part or whole, or triggered). */
  private expireOthers(order: FakeOrder, now: number): void {
    if (order.orderListId < 0) return;
    for (const other of this.orders) {
      if (other.orderListId !== order.orderListId || other === order || !working(other)) continue;
      other.status = 'EXPIRED';
      other.updateTime = now;
    }
  }

  find(params: URLSearchParams): FakeOrder {
    const byClient = params.get('origClientOrderId');
    const byId = params.get('orderId');
    // The latest order with that client id, as Binance answers after an id was reused.
    const order = [...this.orders]
      .reverse()
      .find(
        (o) =>
          o.symbol === params.get('symbol') && (byClient ? o.clientOrderId === byClient : String(o.orderId) === byId),
      );
    if (!order) throw new BinanceReject(400, -2013, 'Order does not exist.');
    return order;
  }

  cancel(apiKey: string, params: URLSearchParams, now: number): FakeOrder {
    let order: FakeOrder;
    try {
      order = this.find(params);
    } catch {
      throw new BinanceReject(400, -2011, 'Unknown order sent.');
    }
    if (!working(order)) throw new BinanceReject(400, -2011, 'Unknown order sent.');
    // Cancelling a leg of a list cancels the list, as on Binance.
    if (order.orderListId >= 0) {
      this.cancelList(
        apiKey,
        new URLSearchParams({ symbol: order.symbol, orderListId: String(order.orderListId) }),
        now,
      );
      return order;
    }
    this.release(apiKey, order, new Decimal(order.executedQty));
    order.status = 'CANCELED';
    order.updateTime = now;
    return order;
  }

  /** Frees what an open order (or a list, through its first leg) locked for the part not `filled`. */
  private release(apiKey: string, order: FakeOrder, filled: Decimal): void {
    const symbol = this.info(order.symbol);
    const left = new Decimal(order.origQty).minus(filled);
    const locked = order.side === 'BUY' ? new Decimal(order.price).mul(left) : left;
    this.move(apiKey, order.side === 'BUY' ? symbol.quoteAsset : symbol.baseAsset, locked, 'locked', 'free');
  }

  /** An order's fills as `GET /api/v3/myTrades?orderId=` lists them (../shared/fixtures/binance/rest/myTrades_response.json). */
  trades(symbol: string | null, orderId: number) {
    const order = this.orders.find((o) => o.symbol === symbol && o.orderId === orderId);
    return (order?.fills ?? []).map((fill) => ({
      symbol: order!.symbol,
      id: fill.tradeId,
      orderId: order!.orderId,
      orderListId: order!.orderListId,
      price: fill.price,
      qty: fill.qty,
      quoteQty: fixed8(new Decimal(fill.price).mul(fill.qty)),
      commission: fill.commission,
      commissionAsset: fill.commissionAsset,
      time: order!.updateTime,
      isBuyer: order!.side === 'BUY',
      isMaker: order!.type !== 'MARKET',
      isBestMatch: true,
    }));
  }

  open(symbol: string | null): FakeOrder[] {
    return this.orders.filter((o) => working(o) && (!symbol || o.symbol === symbol));
  }

  /** `limit` false for a market order: Binance holds only limit prices to the tick (a last trade may be off it). */
  private checkFilters(symbol: SymbolInfo, quantity: Decimal, price: Decimal, limit = true): void {
    const filter = (type: string) => symbol.filters.find((f) => f.filterType === type) ?? {};
    const lot = filter('LOT_SIZE');
    const step = new Decimal(String(lot.stepSize ?? 0));
    if (quantity.lt(String(lot.minQty ?? 0)) || quantity.gt(String(lot.maxQty ?? '1e9'))) {
      throw new BinanceReject(400, -1013, 'Filter failure: LOT_SIZE');
    }
    if (step.gt(0) && !quantity.mod(step).isZero()) throw new BinanceReject(400, -1013, 'Filter failure: LOT_SIZE');
    const tick = new Decimal(String(filter('PRICE_FILTER').tickSize ?? 0));
    if (limit && tick.gt(0) && !price.mod(tick).isZero())
      throw new BinanceReject(400, -1013, 'Filter failure: PRICE_FILTER');
    const minNotional = String(filter('NOTIONAL').minNotional ?? 0);
    if (quantity.mul(price).lt(minNotional)) throw new BinanceReject(400, -1013, 'Filter failure: NOTIONAL');
  }

  /** Locks what the order may spend; refuses like Binance when the account cannot pay. */
  private reserve(apiKey: string, symbol: SymbolInfo, order: FakeOrder, limit: string | null): void {
    const price = new Decimal(limit ?? this.price(symbol.symbol));
    const [asset, amount] =
      order.side === 'BUY'
        ? [symbol.quoteAsset, price.mul(order.origQty)]
        : [symbol.baseAsset, new Decimal(order.origQty)];
    const line = this.balances(apiKey).find((b) => b.asset === asset);
    if (!line || new Decimal(line.free).lt(amount)) {
      throw new BinanceReject(400, -2010, 'Account has insufficient balance for requested action.');
    }
    this.move(apiKey, asset, amount, 'free', 'locked');
  }

  /**
   * Part of a resting order trades at its limit price (the market touched it without the depth for all of it): the
   * order keeps working for the rest, and the other legs of its list expire, as Binance's OCO does on a partial fill.
   */
  fillPart(clientOrderId: string, quantity: string, now = Date.now()): void {
    const order = this.orders.find((o) => o.clientOrderId === clientOrderId && working(o) && o.type !== 'MARKET');
    if (!order) throw new Error(`no resting order ${clientOrderId}`);
    this.fill(this.owners.get(order.orderId)!, this.info(order.symbol), order, new Decimal(order.price), now, quantity);
    this.expireOthers(order, now);
  }

  /** Fills `part` of an order, or all it has left. */
  private fill(apiKey: string, symbol: SymbolInfo, order: FakeOrder, price: Decimal, now: number, part?: string): void {
    const before = new Decimal(order.executedQty);
    const quantity = part === undefined ? new Decimal(order.origQty).minus(before) : new Decimal(part);
    const cost = price.mul(quantity);
    const locked = order.type === 'MARKET' ? cost : new Decimal(order.price).mul(quantity);
    // Binance takes the commission from what the account receives.
    const [received, receivedAsset, spent, spentAsset] =
      order.side === 'BUY'
        ? [quantity, symbol.baseAsset, order.type === 'MARKET' ? cost : locked, symbol.quoteAsset]
        : [cost, symbol.quoteAsset, quantity, symbol.baseAsset];
    const commission = received.mul(COMMISSION);
    this.move(apiKey, spentAsset, spent, 'locked', null);
    if (order.side === 'BUY' && locked.gt(cost)) this.move(apiKey, spentAsset, locked.minus(cost), null, 'free');
    this.move(apiKey, receivedAsset, received.minus(commission), null, 'free');
    order.executedQty = fixed8(before.plus(quantity));
    order.status = new Decimal(order.executedQty).gte(order.origQty) ? 'FILLED' : 'PARTIALLY_FILLED';
    order.cummulativeQuoteQty = fixed8(new Decimal(order.cummulativeQuoteQty).plus(cost));
    order.updateTime = now;
    order.fills = [
      ...order.fills,
      {
        price: fixed8(price),
        qty: fixed8(quantity),
        commission: fixed8(commission),
        commissionAsset: receivedAsset,
        tradeId: this.nextTradeId++,
      },
    ];
  }

  private move(
    apiKey: string,
    asset: string,
    amount: Decimal,
    from: 'free' | 'locked' | null,
    to: 'free' | 'locked' | null,
  ) {
    const balances = this.balances(apiKey);
    let line = balances.find((b) => b.asset === asset);
    if (!line) {
      line = { asset, free: fixed8(0), locked: fixed8(0) };
      balances.push(line);
    }
    if (from) line[from] = fixed8(new Decimal(line[from]).minus(amount));
    if (to) line[to] = fixed8(new Decimal(line[to]).plus(amount));
  }
}
