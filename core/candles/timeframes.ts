import { TIMEFRAMES, type Timeframe } from '../../queues/names';

export { TIMEFRAMES, type Timeframe };

/** Length of each timeframe in milliseconds. 10m does not exist on Binance: it is built from trades like the rest. */
export const TIMEFRAME_MS: Record<Timeframe, number> = {
  '1m': 60_000,
  '3m': 180_000,
  '5m': 300_000,
  '10m': 600_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '2h': 7_200_000,
  '4h': 14_400_000,
};

/** Open time of the UTC-aligned candle of `timeframe` that contains `time` (epoch ms). */
export function bucketStart(time: number, timeframe: Timeframe): number {
  const ms = TIMEFRAME_MS[timeframe];
  return Math.floor(time / ms) * ms;
}

export function isTimeframe(value: string): value is Timeframe {
  return (TIMEFRAMES as readonly string[]).includes(value);
}
