import ccxt, { type Exchange } from 'ccxt';
import type { Credentials } from '../crypto/credentials';

type ExchangeClass = new (config?: Record<string, unknown>) => Exchange;

/** Options that keep ccxt to the calls we need: spot markets only, no currency or margin endpoints. */
const OPTIONS = {
  fetchMarkets: { types: ['spot'] },
  fetchCurrencies: false,
  fetchMargins: false,
  adjustForTimeDifference: false,
  defaultType: 'spot',
  // We ask for one symbol's open orders or accept the heavier all-symbols call knowingly.
  warnOnFetchOpenOrdersWithoutSymbol: false,
};

/** Points every REST base of the exchange at `base` (a local fake exchange in tests, a proxy in production). */
function redirect(exchange: Exchange, base: string): void {
  const rewrite = (value: unknown): unknown => {
    if (typeof value === 'string') return value.replace(/^https?:\/\/[^/]+/, base.replace(/\/+$/, ''));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v)]));
    }
    return value;
  };
  exchange.urls.api = rewrite(exchange.urls.api) as typeof exchange.urls.api;
}

/**
 * ccxt instances. Markets are loaded once per exchange (and sandbox flag) on a shared public instance; each broker
 * gets its own instance holding its own credentials, fed the shared markets, so two accounts on one exchange never
 * share mutable credentials.
 */
export class ExchangeClients {
  private readonly publics = new Map<string, Promise<Exchange>>();
  private readonly privates = new Map<string, { version: string; exchange: Promise<Exchange> }>();

  constructor(private readonly overrides: Record<string, string> = {}) {}

  create(exchangeId: string, sandbox: boolean, credentials: Credentials = {}): Exchange {
    const Exchange = (ccxt as unknown as Record<string, ExchangeClass>)[exchangeId];
    if (!Exchange || !ccxt.exchanges.includes(exchangeId)) throw new Error(`exchange inconnu : ${exchangeId}`);
    // Requests are paced by RequestPacer, shared by every process, instead of ccxt's per-instance throttle.
    const exchange = new Exchange({ ...credentials, enableRateLimit: false, timeout: 10_000, options: { ...OPTIONS } });
    if (sandbox) exchange.setSandboxMode(true);
    const override = this.overrides[exchangeId];
    if (override) redirect(exchange, override);
    return exchange;
  }

  /** The shared public instance with its markets loaded. */
  markets(exchangeId: string, sandbox: boolean): Promise<Exchange> {
    const key = `${exchangeId}:${sandbox}`;
    let pending = this.publics.get(key);
    if (!pending) {
      const exchange = this.create(exchangeId, sandbox);
      pending = exchange.loadMarkets().then(() => exchange);
      pending.catch(() => this.publics.delete(key));
      this.publics.set(key, pending);
    }
    return pending;
  }

  /**
   * The broker's own instance; `version` (e.g. its updated_at) renews it when the credentials change. The
   * credentials are asked for (decrypted) only when an instance is made.
   */
  forBroker(
    brokerId: number,
    version: string,
    exchangeId: string,
    sandbox: boolean,
    credentials: () => Credentials,
  ): Promise<Exchange> {
    const cached = this.privates.get(String(brokerId));
    if (cached && cached.version === version) return cached.exchange;
    const exchange = this.markets(exchangeId, sandbox).then((shared) => {
      const own = this.create(exchangeId, sandbox, credentials());
      own.setMarkets(shared.markets);
      return own;
    });
    exchange.catch(() => this.privates.delete(String(brokerId)));
    this.privates.set(String(brokerId), { version, exchange });
    return exchange;
  }
}
