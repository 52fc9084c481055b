/**
 * Recent last prices, kept a few seconds. They value an order for the minimum-notional check and turn a quote amount
 * into a quantity; Binance itself checks notional against a 5-minute average price, so a few seconds of age changes
 * nothing, while fetching a ticker before every order would cost a request weight each time and throttle the
 * account. Fills never use these.
 *
 * A price past half its life is served as is and refreshed in the background, so that an account placing orders
 * steadily never waits for a ticker request: only the first order on a symbol, or one after a quiet spell, does.
 */
export class ReferencePrices {
  private readonly prices = new Map<string, { price: string | null; at: number }>();
  private readonly refreshing = new Map<string, Promise<string | null>>();

  constructor(
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(key: string, fetch: () => Promise<string | null>): Promise<string | null> {
    const cached = this.prices.get(key);
    const age = cached ? this.now() - cached.at : Infinity;
    if (cached && cached.price !== null && age <= this.maxAgeMs) {
      if (age > this.maxAgeMs / 2) this.refresh(key, fetch).catch(() => undefined);
      return cached.price;
    }
    return this.refresh(key, fetch);
  }

  /** One request per key at a time: orders arriving while a price is on its way wait for that one. */
  private refresh(key: string, fetch: () => Promise<string | null>): Promise<string | null> {
    let pending = this.refreshing.get(key);
    if (!pending) {
      pending = fetch()
        .then((price) => {
          this.prices.set(key, { price, at: this.now() });
          return price;
        })
        .finally(() => this.refreshing.delete(key));
      this.refreshing.set(key, pending);
    }
    return pending;
  }
}
