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
  status: 'NEW' | 'FILLED' | 'CANCELED';
  timeInForce: string;
  type: 'MARKET' | 'LIMIT';
  side: 'BUY' | 'SELL';
  time: number;
  updateTime: number;
  fills: { price: string; qty: string; commission: string; commissionAsset: string; tradeId: number }[];
}

const COMMISSION = '0.001';
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

  constructor(
    private readonly symbols: SymbolInfo[],
    private readonly balances: (apiKey: string) => { asset: string; free: string; locked: string }[],
  ) {}

  /** The market moves: resting limit orders it trades through fill at their price, as Binance's engine fills them. */
  setPrice(symbol: string, price: string, now = Date.now()): void {
    this.prices.set(symbol, price);
    const last = new Decimal(price);
    for (const order of this.orders) {
      if (order.symbol !== symbol || order.status !== 'NEW' || order.type !== 'LIMIT') continue;
      const limit = new Decimal(order.price);
      if (order.side === 'BUY' ? last.lte(limit) : last.gte(limit)) {
        this.fill(this.owners.get(order.orderId)!, this.info(symbol), order, limit, now);
      }
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
    const symbol = this.info(params.get('symbol') ?? '');
    const side = params.get('side') as FakeOrder['side'];
    const type = params.get('type') as FakeOrder['type'];
    const quantity = new Decimal(params.get('quantity') ?? '0');
    const clientOrderId = params.get('newClientOrderId') ?? `fake${this.nextId}`;
    if (this.orders.some((o) => o.clientOrderId === clientOrderId && o.status === 'NEW')) {
      throw new BinanceReject(400, -2010, 'Duplicate order sent.');
    }
    const limit = type === 'LIMIT' ? new Decimal(params.get('price') ?? '0') : undefined;
    this.checkFilters(symbol, quantity, limit ?? new Decimal(this.price(symbol.symbol)));
    const order: FakeOrder = {
      symbol: symbol.symbol,
      orderId: this.nextId++,
      orderListId: -1,
      clientOrderId,
      price: fixed8(limit ?? 0),
      origQty: fixed8(quantity),
      executedQty: fixed8(0),
      cummulativeQuoteQty: fixed8(0),
      status: 'NEW',
      timeInForce: 'GTC',
      type,
      side,
      time: now,
      updateTime: now,
      fills: [],
    };
    const last = new Decimal(this.price(symbol.symbol));
    const marketable = !limit || (side === 'BUY' ? last.lte(limit) : last.gte(limit));
    this.reserve(apiKey, symbol, order, limit ?? last);
    if (marketable) this.fill(apiKey, symbol, order, last, now);
    this.orders.push(order);
    this.owners.set(order.orderId, apiKey);
    return order;
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
    if (order.status !== 'NEW') throw new BinanceReject(400, -2011, 'Unknown order sent.');
    const symbol = this.info(order.symbol);
    const locked = order.side === 'BUY' ? new Decimal(order.price).mul(order.origQty) : new Decimal(order.origQty);
    this.move(apiKey, order.side === 'BUY' ? symbol.quoteAsset : symbol.baseAsset, locked, 'locked', 'free');
    order.status = 'CANCELED';
    order.updateTime = now;
    return order;
  }

  open(symbol: string | null): FakeOrder[] {
    return this.orders.filter((o) => o.status === 'NEW' && (!symbol || o.symbol === symbol));
  }

  private checkFilters(symbol: SymbolInfo, quantity: Decimal, price: Decimal): void {
    const filter = (type: string) => symbol.filters.find((f) => f.filterType === type) ?? {};
    const lot = filter('LOT_SIZE');
    const step = new Decimal(String(lot.stepSize ?? 0));
    if (quantity.lt(String(lot.minQty ?? 0)) || quantity.gt(String(lot.maxQty ?? '1e9'))) {
      throw new BinanceReject(400, -1013, 'Filter failure: LOT_SIZE');
    }
    if (step.gt(0) && !quantity.mod(step).isZero()) throw new BinanceReject(400, -1013, 'Filter failure: LOT_SIZE');
    const tick = new Decimal(String(filter('PRICE_FILTER').tickSize ?? 0));
    if (tick.gt(0) && !price.mod(tick).isZero()) throw new BinanceReject(400, -1013, 'Filter failure: PRICE_FILTER');
    const minNotional = String(filter('NOTIONAL').minNotional ?? 0);
    if (quantity.mul(price).lt(minNotional)) throw new BinanceReject(400, -1013, 'Filter failure: NOTIONAL');
  }

  /** Locks what the order may spend; refuses like Binance when the account cannot pay. */
  private reserve(apiKey: string, symbol: SymbolInfo, order: FakeOrder, price: Decimal): void {
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

  private fill(apiKey: string, symbol: SymbolInfo, order: FakeOrder, price: Decimal, now: number): void {
    const quantity = new Decimal(order.origQty);
    const cost = price.mul(quantity);
    const locked = order.type === 'LIMIT' ? new Decimal(order.price).mul(quantity) : cost;
    // Binance takes the commission from what the account receives.
    const [received, receivedAsset, spent, spentAsset] =
      order.side === 'BUY'
        ? [quantity, symbol.baseAsset, order.type === 'LIMIT' ? locked : cost, symbol.quoteAsset]
        : [cost, symbol.quoteAsset, quantity, symbol.baseAsset];
    const commission = received.mul(COMMISSION);
    this.move(apiKey, spentAsset, spent, 'locked', null);
    if (order.side === 'BUY' && locked.gt(cost)) this.move(apiKey, spentAsset, locked.minus(cost), null, 'free');
    this.move(apiKey, receivedAsset, received.minus(commission), null, 'free');
    order.status = 'FILLED';
    order.executedQty = fixed8(quantity);
    order.cummulativeQuoteQty = fixed8(cost);
    order.updateTime = now;
    order.fills = [
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
