import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fixture } from '../helpers/fixtures';

export interface FakeAccount {
  apiKey: string;
  secret: string;
  balances: { asset: string; free: string; locked: string }[];
}

/**
 * A local Binance spot REST server for ccxt's real `binance` class: the endpoints our flows call, in the documented
 * formats of ../shared/fixtures/binance, with HMAC-SHA256 signatures and API keys checked as Binance does (an
 * unknown key answers -2015, a bad signature -1022). Every request is recorded with its arrival time.
 */
export class FakeBinanceRest {
  readonly requests: { method: string; path: string; at: number }[] = [];
  private readonly server: Server;
  private readonly accounts = new Map<string, FakeAccount>();
  private readonly exchangeInfo = fixture('binance/rest/exchangeInfo_real_trimmed.json');

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
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
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, at: Date.now() });
    const body = await new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (chunk: Buffer) => (data += chunk.toString()));
      req.on('end', () => resolve(data));
    });
    const reply = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
    };
    if (url.pathname === '/api/v3/exchangeInfo') return reply(200, this.exchangeInfo);
    if (url.pathname === '/api/v3/ping') return reply(200, {});
    if (url.pathname === '/api/v3/time') return reply(200, { serverTime: Date.now() });

    const account = this.authenticate(req, url, body);
    if ('error' in account) return reply(account.status, account.error);
    if (url.pathname === '/api/v3/account' && req.method === 'GET') {
      const template = JSON.parse(fixture('binance/rest/account_response.json')) as Record<string, unknown>;
      return reply(200, { ...template, balances: account.balances, updateTime: Date.now() });
    }
    reply(404, { code: -1000, msg: `Unknown path ${url.pathname}` });
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
