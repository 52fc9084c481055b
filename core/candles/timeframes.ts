import { TIMEFRAMES, type Timeframe } from '../../queues/names';
import { BACKTEST_TIMEFRAMES, type BacktestTimeframe } from './backtest-timeframes';

export { TIMEFRAMES, type Timeframe };

/**
 * Length of each timeframe in milliseconds, read from the backtests' list: a timeframe strategies and live trading
 * take is one a backtest takes too (this does not compile otherwise). 10m does not exist on Binance: the heartbeat
 * builds it from trades like the rest, a backtest from shorter stored candles.
 */
export const TIMEFRAME_MS: Record<Timeframe, number> = Object.fromEntries(
  TIMEFRAMES.map((timeframe) => [timeframe, BACKTEST_TIMEFRAMES[timeframe satisfies BacktestTimeframe]]),
) as Record<Timeframe, number>;

/** Open time of the UTC-aligned candle of `timeframe` that contains `time` (epoch ms). */
export function bucketStart(time: number, timeframe: Timeframe): number {
  const ms = TIMEFRAME_MS[timeframe];
  return Math.floor(time / ms) * ms;
}

export function isTimeframe(value: string): value is Timeframe {
  return (TIMEFRAMES as readonly string[]).includes(value);
}
