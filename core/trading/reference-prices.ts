/**
 * Recent last prices, kept a few seconds. They value an order for the minimum-notional check and turn a quote amount
 * into a quantity; Binance itself checks notional against a 5-minute average price, so a few seconds of age changes
 * nothing, while fetching a ticker before every order would cost a request weight each time and throttle the
 * account. Fills never use these.
 */
export class ReferencePrices {
  private readonly prices = new Map<string, { price: string | null; at: number }>();

  constructor(
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(key: string, fetch: () => Promise<string | null>): Promise<string | null> {
    const cached = this.prices.get(key);
    if (cached && cached.price !== null && this.now() - cached.at <= this.maxAgeMs) return cached.price;
    const price = await fetch();
    this.prices.set(key, { price, at: this.now() });
    return price;
  }
}
