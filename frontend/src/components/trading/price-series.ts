import type { CandlestickData, UTCTimestamp } from 'lightweight-charts';
import type { PriceCandle } from '@/api/trading';

/**
 * The API's candles as lightweight-charts bars: seconds, numbers (the chart draws floats; nothing is computed from
 * them), ascending and without two bars at the same time, which the chart refuses.
 */
export function candleBars(candles: PriceCandle[]): CandlestickData<UTCTimestamp>[] {
  const byTime = new Map<number, CandlestickData<UTCTimestamp>>();
  for (const c of candles) {
    const time = Math.floor(c.time / 1000) as UTCTimestamp;
    byTime.set(time, { time, open: Number(c.open), high: Number(c.high), low: Number(c.low), close: Number(c.close) });
  }
  return [...byTime.values()].sort((a, b) => a.time - b.time);
}

/** The change over the shown candles, as a fraction of the first open (null when there is nothing to compare). */
export function changeOver(candles: PriceCandle[]): number | null {
  if (candles.length < 2) return null;
  const open = Number(candles[0].open);
  const close = Number(candles[candles.length - 1].close);
  return open > 0 ? (close - open) / open : null;
}
