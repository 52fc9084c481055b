import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Clock } from '../../core/clock';

/** A trade as Binance's aggTrade event carries it (the fixture's lines). */
export interface AggTradeEvent {
  e: 'aggTrade';
  E: number;
  s: string;
  a: number;
  p: string;
  q: string;
  f: number;
  l: number;
  T: number;
  m: boolean;
  M: boolean;
}

const MINUTE = 60_000;

/** Quantities in 1e-8 units, summed exactly as the exchange does. */
export const toUnits = (q: string) => {
  const [whole, fraction = ''] = q.split('.');
  return BigInt(whole! + fraction.padEnd(8, '0').slice(0, 8));
};
export const formatUnits = (units: bigint) => {
  const digits = units.toString().padStart(9, '0');
  return `${digits.slice(0, -8)}.${digits.slice(-8)}`;
};

/** The same trade as the `<symbol>@trade` stream documents it. */
export function toTradeEvent(event: AggTradeEvent) {
  return { e: 'trade', E: event.E, s: event.s, t: event.a, p: event.p, q: event.q, T: event.T, m: event.m, M: event.M };
}

/**
 * A local stand-in for Binance: the combined-stream websocket (`/stream?streams=…`) and the REST klines endpoint,
 * speaking the documented formats. The market is the list of trades it is given; klines are built from them up to
 * the last minute closed on the shared clock, with Binance's empty candles for minutes without trades.
 */
export class FakeBinance {
  readonly sockets = new Set<WebSocket>();
  /** Streams requested by each connection, in connection order. */
  readonly subscriptions: string[][] = [];
  pongs = 0;
  klineRequests = 0;
  /** The next N klines requests answer HTTP 500 with Binance's documented -1001 error. */
  failKlines = 0;
  /** While true, websocket handshakes are refused (an outage). */
  refuse = false;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private trades: AggTradeEvent[] = [];
  private pinger: NodeJS.Timeout | undefined;

  constructor(private readonly clock: Clock) {
    this.http = createServer((req, res) => this.rest(req, res));
    this.wss = new WebSocketServer({ noServer: true });
    this.http.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname !== '/stream' || this.refuse) return socket.destroy();
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.sockets.add(ws);
        this.subscriptions.push((url.searchParams.get('streams') ?? '').split('/').filter(Boolean));
        ws.on('pong', () => this.pongs++);
        ws.on('close', () => this.sockets.delete(ws));
      });
    });
  }

  async listen(): Promise<{ wsUrl: string; restUrl: string }> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    const { port } = this.http.address() as AddressInfo;
    return { wsUrl: `ws://127.0.0.1:${port}`, restUrl: `http://127.0.0.1:${port}` };
  }

  /** The market's whole history (what REST klines are computed from). */
  setMarket(trades: AggTradeEvent[]): void {
    this.trades = trades;
  }

  /** Sends trades to every connected client, as the subscribed stream (`@trade` or `@aggTrade`) formats them. */
  sendTrades(trades: AggTradeEvent[]): void {
    for (const ws of this.sockets) {
      for (const trade of trades) {
        const name = `${trade.s.toLowerCase()}@${this.streamKind()}`;
        const data = this.streamKind() === 'trade' ? toTradeEvent(trade) : trade;
        ws.send(JSON.stringify({ stream: name, data }));
      }
    }
  }

  sendRaw(message: string): void {
    for (const ws of this.sockets) ws.send(message);
  }

  ping(): void {
    for (const ws of this.sockets) ws.ping();
  }

  /** Pings every `ms`, as Binance does every 20 s. */
  startPinging(ms: number): void {
    this.pinger = setInterval(() => this.ping(), ms);
  }

  /** Cuts every connection without a close frame (a network drop). */
  drop(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  connections(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    clearInterval(this.pinger);
    this.drop();
    this.wss.close();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private streamKind(): string {
    const last = this.subscriptions[this.subscriptions.length - 1]?.[0] ?? '@trade';
    return last.split('@')[1] ?? 'trade';
  }

  private rest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname !== '/api/v3/klines') return json(404, { code: -1000, msg: 'Unknown path' });
    this.klineRequests++;
    if (this.failKlines > 0) {
      this.failKlines--;
      return json(500, { code: -1001, msg: 'Internal error; unable to process your request. Please try again.' });
    }
    const symbol = url.searchParams.get('symbol');
    if (url.searchParams.get('interval') !== '1m') return json(400, { code: -1120, msg: 'Invalid interval.' });
    const start = Number(url.searchParams.get('startTime'));
    const end = Number(url.searchParams.get('endTime'));
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 500), 1000);
    json(200, this.klines(symbol ?? '', start, end, limit));
  }

  private klines(symbol: string, start: number, end: number, limit: number): unknown[] {
    const trades = this.trades.filter((t) => t.s === symbol);
    if (trades.length === 0) return [];
    const first = trades[0]!.T - (trades[0]!.T % MINUTE);
    const lastClosed = Math.floor(this.clock.now() / MINUTE) * MINUTE - MINUTE;
    const rows: unknown[] = [];
    let index = 0;
    let previousClose: string | undefined;
    for (let open = first; open <= Math.min(end, lastClosed) && rows.length < limit; open += MINUTE) {
      const inMinute: AggTradeEvent[] = [];
      while (index < trades.length && trades[index]!.T < open + MINUTE) inMinute.push(trades[index++]!);
      const prices = inMinute.map((t) => t.p);
      const o = prices[0] ?? previousClose!;
      const c = prices[prices.length - 1] ?? previousClose!;
      previousClose = c;
      if (open < start) continue;
      const high = prices.reduce((a, b) => (+b > +a ? b : a), o);
      const low = prices.reduce((a, b) => (+b < +a ? b : a), o);
      const volume = formatUnits(inMinute.reduce((sum, t) => sum + toUnits(t.q), 0n));
      rows.push([open, o, high, low, c, volume, open + MINUTE - 1, '0', inMinute.length, '0', '0', '0']);
    }
    return rows;
  }
}
