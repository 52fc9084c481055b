import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fixture, haveFixtures } from '../helpers/fixtures';
import { GENERATED_ACCOUNT, GENERATED_TICKER, generatedExchangeInfo } from './binance-documents';
import { BinanceReject, FakeOrderBook, type FakeOrder } from './binance-orders';

function withExtraSymbols(exchangeInfo: string, count: number): string {
  const info = JSON.parse(exchangeInfo) as { symbols: { symbol: string; baseAsset: string }[] };
  const template = info.symbols.find((s) => s.symbol === 'BTCUSDT')!;
  for (let i = 0; i < count; i++) {
    const base = `X${i.toString(36).toUpperCase().padStart(4, '0')}`;
    info.symbols.push({ ...template, symbol: `${base}USDT`, baseAsset: base });
  }
  return JSON.stringify(info);
}

/**
 * The kline intervals Binance spot serves (rest-api.md, "Kline/Candlestick data"), with their length; 1M, whose
 * length varies, is left out. Binance has no 10m.
 */
const KLINE_INTERVALS: Record<string, number> = {
  '1s': 1_000,
  '1m': 60_000,
  '3m': 180_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '2h': 7_200_000,
  '4h': 14_400_000,
  '6h': 21_600_000,
  '8h': 28_800_000,
  '12h': 43_200_000,
  '1d': 86_400_000,
  '3d': 259_200_000,
  '1w': 604_800_000,
};

export interface FakeAccount {
  apiKey: string;
  secret: string;
  balances: { asset: string; free: string; locked: string }[];
}

/**
 * A local Binance spot REST server for ccxt's real `binance` class: the endpoints our flows call, in the documented
 * formats of ../shared/fixtures/binance (its real documents, or ones built in their format when they are absent),
 * with HMAC-SHA256 signatures and API keys checked as Binance does (an unknown key answers -2015, a bad signature
 * -1022). Every request is recorded with its arrival time.
 */
export class FakeBinanceRest {
  /** Every request received; `apiKey` is set on the account's (signed) ones, public ones carry none. */
  readonly requests: {
    method: string;
    path: string;
    query: URLSearchParams;
    /** The query's and the body's parameters together: signed POSTs send theirs in the body. */
    params?: URLSearchParams;
    at: number;
    apiKey: string | null;
  }[] = [];
  readonly book: FakeOrderBook;
  /**
   * Called once an order is accepted and stored, before the reply leaves: a test can kill the client here to play
   * a crash between the exchange taking the order and the caller learning of it.
   */
  onOrderAccepted?: (order: FakeOrder) => Promise<void> | void;
  /** Delays exchangeInfo, so that a page can be seen while markets load. */
  exchangeInfoDelayMs = 0;
  /** Delay before answering klines (to catch a download in the act). */
  klinesDelayMs = 0;
  /** While set, every request is answered as Binance does when overloaded (503, code -1008). */
  unavailable = false;
  /** Real candles served by klines per symbol ('BTCUSDT') and interval, freqtrade rows [time, o, h, l, c, v]. */
  readonly history = new Map<string, number[][]>();
  klinesRequests = 0;
  private readonly server: Server;
  private readonly accounts = new Map<string, FakeAccount>();
  // The real documents when the shared fixtures are there; documents of the same format built here otherwise.
  private readonly exchangeInfo: string = haveFixtures
    ? fixture('binance/rest/exchangeInfo_real_trimmed.json')
    : generatedExchangeInfo();
  private readonly tickerTemplate = haveFixtures
    ? (
        JSON.parse(fixture('ccxt/binance_static_response_spot_subset.json')) as {
          methods: { fetchTicker: { httpResponse: Record<string, unknown> }[] };
        }
      ).methods.fetchTicker[0]!.httpResponse
    : GENERATED_TICKER;
  private readonly accountTemplate = haveFixtures
    ? (JSON.parse(fixture('binance/rest/account_response.json')) as Record<string, unknown>)
    : GENERATED_ACCOUNT;

  /**
   * `extraSymbols` adds that many USDT pairs to the real exchangeInfo, each a copy of BTCUSDT's entry under another
   * base asset: Binance's format at the size of its real list (~2,000 spot pairs), for the markets benchmark.
   */
  constructor(options: { extraSymbols?: number } = {}) {
    this.server = createServer((req, res) => void this.handle(req, res));
    if (options.extraSymbols) this.exchangeInfo = withExtraSymbols(this.exchangeInfo, options.extraSymbols);
    const symbols = (JSON.parse(this.exchangeInfo) as { symbols: ConstructorParameters<typeof FakeOrderBook>[0] })
      .symbols;
    this.book = new FakeOrderBook(symbols, (key) => this.accounts.get(key)?.balances ?? []);
  }

  /** Orders the exchange accepted (placed, whatever became of them). */
  get orders(): FakeOrder[] {
    return this.book.orders;
  }

  setPrice(symbol: string, price: string): void {
    this.book.setPrice(symbol, price);
  }

  addAccount(account: FakeAccount): void {
    this.accounts.set(account.apiKey, account);
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const request: FakeBinanceRest['requests'][number] = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      at: Date.now(),
      apiKey: (req.headers['x-mbx-apikey'] as string | undefined) ?? null,
    };
    this.requests.push(request);
    const body = await new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (chunk: Buffer) => (data += chunk.toString()));
      req.on('end', () => resolve(data));
    });
    request.params = new URLSearchParams([url.search.slice(1), body].filter(Boolean).join('&'));
    const reply = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
    };
    try {
      if (this.unavailable) {
        return reply(503, {
          code: -1008,
          msg: 'Server is currently overloaded with other requests. Please try again in a few minutes.',
        });
      }
      if (url.pathname === '/api/v3/klines' && this.klinesDelayMs) {
        await new Promise((resolve) => setTimeout(resolve, this.klinesDelayMs));
      }
      if (url.pathname === '/api/v3/exchangeInfo' && this.exchangeInfoDelayMs) {
        await new Promise((resolve) => setTimeout(resolve, this.exchangeInfoDelayMs));
      }
      const pub = this.publicEndpoint(url);
      if (pub !== undefined) return reply(200, pub);
      const account = this.authenticate(req, url, body);
      if ('error' in account) return reply(account.status, account.error);
      const params = new URLSearchParams([url.search.slice(1), body].filter(Boolean).join('&'));
      const route = `${req.method} ${url.pathname}`;
      if (route === 'GET /api/v3/account') {
        return reply(200, { ...this.accountTemplate, balances: account.balances, updateTime: Date.now() });
      }
      if (route === 'POST /api/v3/order') {
        const order = this.book.place(account.apiKey, params, Date.now());
        await this.onOrderAccepted?.(order);
        const { triggered: _triggered, ...shown } = order;
        return reply(200, { ...shown, transactTime: order.time, workingTime: order.time });
      }
      if (route === 'POST /api/v3/orderList/oco') {
        const list = this.book.placeOco(account.apiKey, params, Date.now());
        for (const leg of list.legs) await this.onOrderAccepted?.(leg);
        return reply(200, this.orderList(list, 'EXEC_STARTED', 'EXECUTING'));
      }
      if (route === 'DELETE /api/v3/orderList') {
        return reply(
          200,
          this.orderList(this.book.cancelList(account.apiKey, params, Date.now()), 'ALL_DONE', 'ALL_DONE'),
        );
      }
      if (route === 'GET /api/v3/order') return reply(200, this.queried(this.book.find(params)));
      if (route === 'DELETE /api/v3/order') {
        const order = this.book.cancel(account.apiKey, params, Date.now());
        const { fills: _fills, time: _time, updateTime: _update, triggered: _triggered, ...rest } = order;
        return reply(200, { ...rest, origClientOrderId: order.clientOrderId, transactTime: order.updateTime });
      }
      if (route === 'GET /api/v3/myTrades') {
        return reply(200, this.book.trades(params.get('symbol'), Number(params.get('orderId') ?? NaN)));
      }
      if (route === 'GET /api/v3/openOrders') {
        return reply(
          200,
          this.book.open(params.get('symbol')).map((o) => this.queried(o)),
        );
      }
      reply(404, { code: -1000, msg: `Unknown path ${url.pathname}` });
    } catch (error) {
      if (error instanceof BinanceReject) return reply(error.status, { code: error.code, msg: error.message });
      throw error;
    }
  }

  /** An order list as `POST /api/v3/orderList/oco` and `DELETE /api/v3/orderList` answer it. */
  private orderList(list: { listId: number; legs: FakeOrder[] }, listStatusType: string, listOrderStatus: string) {
    const first = list.legs[0]!;
    return {
      orderListId: list.listId,
      contingencyType: 'OCO',
      listStatusType,
      listOrderStatus,
      listClientOrderId: this.book.listClientOrderId(list.listId),
      transactionTime: Math.max(...list.legs.map((o) => o.updateTime)),
      symbol: first.symbol,
      orders: list.legs.map((o) => ({ symbol: o.symbol, orderId: o.orderId, clientOrderId: o.clientOrderId })),
      orderReports: list.legs.map((o) => {
        const { fills: _fills, time, updateTime, triggered: _triggered, ...rest } = o;
        return { ...rest, transactTime: updateTime, workingTime: o.type === 'STOP_LOSS_LIMIT' ? -1 : time };
      }),
    };
  }

  /** GET /api/v3/order and openOrders items: no fills, with `isWorking`. */
  private queried(order: FakeOrder) {
    const { fills: _fills, triggered, ...rest } = order;
    const working = order.type !== 'STOP_LOSS_LIMIT' || triggered;
    return { ...rest, icebergQty: '0.00000000', isWorking: working, workingTime: working ? order.time : -1 };
  }

  private ticker(symbol: string) {
    const last = this.book.price(symbol);
    return { ...this.tickerTemplate, symbol, lastPrice: last, bidPrice: last, askPrice: last, closeTime: Date.now() };
  }

  /** The unsigned endpoints, or undefined for the others. */
  private publicEndpoint(url: URL): unknown {
    const q = url.searchParams;
    switch (url.pathname) {
      case '/api/v3/exchangeInfo':
        return JSON.parse(this.exchangeInfo) as unknown;
      case '/api/v3/ping':
        return {};
      case '/api/v3/time':
        return { serverTime: Date.now() };
      case '/api/v3/ticker/price': {
        const symbols = q.get('symbols') ? (JSON.parse(q.get('symbols')!) as string[]) : null;
        if (q.get('symbol'))
          return { symbol: q.get('symbol'), price: this.book.price(this.book.info(q.get('symbol')!).symbol) };
        return (symbols ?? this.allSymbols()).map((symbol) => ({ symbol, price: this.book.price(symbol) }));
      }
      case '/api/v3/ticker/24hr': {
        if (q.get('symbol')) return this.ticker(this.book.info(q.get('symbol')!).symbol);
        const symbols = q.get('symbols') ? (JSON.parse(q.get('symbols')!) as string[]) : this.allSymbols();
        return symbols.map((symbol) => this.ticker(this.book.info(symbol).symbol));
      }
      case '/api/v3/klines':
        return this.klines(q);
      default:
        return undefined;
    }
  }

  private allSymbols(): string[] {
    return (JSON.parse(this.exchangeInfo) as { symbols: { symbol: string }[] }).symbols.map((s) => s.symbol);
  }

  /**
   * Flat candles at the current price, in the layout of klines_response.json (or `history` when set). An interval
   * Binance does not have (10m) is refused as Binance refuses it, before anything is looked up.
   */
  private klines(q: URLSearchParams): unknown[] {
    this.klinesRequests++;
    const interval = KLINE_INTERVALS[q.get('interval') ?? ''];
    if (!interval) throw new BinanceReject(400, -1120, 'Invalid interval.');
    const symbol = this.book.info(q.get('symbol') ?? '').symbol;
    const limit = Math.min(Number(q.get('limit') ?? 500), 1000);
    const history = this.history.get(`${symbol}:${q.get('interval')}`);
    if (history) {
      const from = Number(q.get('startTime') ?? 0);
      return history
        .filter((r) => r[0] >= from)
        .slice(0, limit)
        .map((r) => [
          r[0],
          String(r[1]),
          String(r[2]),
          String(r[3]),
          String(r[4]),
          String(r[5]),
          r[0] + interval - 1,
          '0',
          1,
          '0',
          '0',
          '0',
        ]);
    }
    const now = Math.floor(Date.now() / interval) * interval;
    const start = q.get('startTime')
      ? Math.ceil(Number(q.get('startTime')) / interval) * interval
      : now - (limit - 1) * interval;
    const price = this.book.price(symbol);
    const rows: unknown[] = [];
    for (let t = start; t <= now && rows.length < limit; t += interval) {
      rows.push([t, price, price, price, price, '1.00000000', t + interval - 1, price, 1, '0.5', '0.5', '0']);
    }
    return rows;
  }

  /** Binance's checks for a SIGNED endpoint: the key first, then the signature over the query and body. */
  private authenticate(req: IncomingMessage, url: URL, body: string) {
    const account = this.accounts.get(String(req.headers['x-mbx-apikey'] ?? ''));
    if (!account) {
      return { status: 401, error: { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' } };
    }
    const payload = [url.search.slice(1), body].filter(Boolean).join('');
    const match = payload.match(/^(.*)&signature=([0-9a-f]{64})(.*)$/);
    const signed = match ? match[1]! + match[3]! : '';
    const expected = createHmac('sha256', account.secret).update(signed).digest();
    const given = Buffer.from(match?.[2] ?? '', 'hex');
    if (!match || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { status: 400, error: { code: -1022, msg: 'Signature for this request is not valid.' } };
    }
    return account;
  }
}
