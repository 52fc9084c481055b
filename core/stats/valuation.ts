import type { BalanceLine } from '../brokers/paper-account';
import { Dec } from '../decimal';

/** Assets counted at 1 USD when valuing a portfolio. */
export const DOLLARS = new Set(['USD', 'USDT', 'USDC', 'FDUSD', 'BUSD', 'TUSD', 'DAI']);

export interface ValuedLine extends BalanceLine {
  /** The asset's price in USDT, null when its exchange lists no `<asset>/USDT` pair. */
  priceUsd: string | null;
  valueUsd: string | null;
}

/** What valuing needs of the broker actor: its balance and its last prices (the broker's exchange, public data). */
export interface PriceSource {
  call(name: 'balance', data: { brokerId: number }): Promise<BalanceLine[]>;
  call(name: 'tickers', data: { brokerId: number; symbols?: string[] }): Promise<Record<string, string>>;
}

/**
 * A broker's holdings valued in USDT at its exchange's last prices: the portfolio card and the balance history
 * value the same way. An asset without a USDT price is listed with a null value and left out of the total.
 */
export async function valueHoldings(
  source: PriceSource,
  brokerId: number,
): Promise<{ assets: ValuedLine[]; totalUsd: string; unpriced: string[] }> {
  const lines = await source.call('balance', { brokerId });
  const priced = lines.filter((l) => !DOLLARS.has(l.asset)).map((l) => `${l.asset}/USDT`);
  const prices = priced.length ? await source.call('tickers', { brokerId, symbols: priced }) : {};
  let total = new Dec(0);
  const unpriced: string[] = [];
  const assets = lines.map((line) => {
    const price = DOLLARS.has(line.asset) ? '1' : (prices[`${line.asset}/USDT`] ?? null);
    const value = price === null ? null : new Dec(line.total).mul(price).toDecimalPlaces(8);
    if (value) total = total.plus(value);
    else if (!new Dec(line.total).isZero()) unpriced.push(line.asset);
    return { ...line, priceUsd: price, valueUsd: value?.toFixed() ?? null };
  });
  return { assets, totalUsd: total.toFixed(), unpriced };
}
