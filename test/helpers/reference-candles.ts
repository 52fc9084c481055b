import { TIMEFRAME_MS, type Timeframe } from '../../core/candles/timeframes';

export interface AggTrade {
  p: string;
  q: string;
  T: number;
}

/** Exact decimal sum with BigInt, independent of the aggregator's own arithmetic. */
export function sumQuantities(quantities: string[]): string {
  const units = quantities.reduce((acc, q) => {
    const [whole, frac = ''] = q.split('.');
    return acc + BigInt(whole!) * 100_000_000n + BigInt(frac.padEnd(8, '0').slice(0, 8));
  }, 0n);
  const whole = units / 100_000_000n;
  const frac = (units % 100_000_000n).toString().padStart(8, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : `${whole}`;
}

export interface ReferenceCandle {
  openTime: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

/**
 * The reference candles, computed the plain way: group trades by UTC bucket; buckets without trades between the
 * first and the last get the previous close and volume 0. Only buckets that end by `until` are returned.
 */
export function reference(trades: AggTrade[], timeframe: Timeframe, until: number): ReferenceCandle[] {
  const ms = TIMEFRAME_MS[timeframe];
  const groups = new Map<number, AggTrade[]>();
  for (const t of trades) {
    const start = Math.floor(t.T / ms) * ms;
    if (!groups.has(start)) groups.set(start, []);
    groups.get(start)!.push(t);
  }
  const starts = [...groups.keys()].sort((a, b) => a - b);
  const candles: ReferenceCandle[] = [];
  let previousClose = '';
  for (let start = starts[0]!; start + ms <= until; start += ms) {
    const group = groups.get(start);
    if (!group) {
      candles.push({
        openTime: start,
        open: previousClose,
        high: previousClose,
        low: previousClose,
        close: previousClose,
        volume: '0',
      });
      continue;
    }
    const prices = group.map((t) => t.p);
    const high = prices.reduce((a, b) => (+b > +a ? b : a));
    const low = prices.reduce((a, b) => (+b < +a ? b : a));
    previousClose = prices[prices.length - 1]!;
    candles.push({
      openTime: start,
      open: prices[0]!,
      high,
      low,
      close: previousClose,
      volume: sumQuantities(group.map((t) => t.q)),
    });
  }
  return candles;
}
