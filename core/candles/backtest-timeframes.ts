/**
 * The timeframes a backtest, a sweep and a candle import accept, with their length in ms: every one strategies and
 * live trading use (queues/names TIMEFRAMES, 10m included: built from shorter candles where an exchange lacks it)
 * plus the longer ones exchanges offer. No imports, so that the web app reads the same list (`@core/candles/…`).
 */
export const BACKTEST_TIMEFRAMES = {
  '1m': 60_000,
  '3m': 180_000,
  '5m': 300_000,
  '10m': 600_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '2h': 7_200_000,
  '4h': 14_400_000,
  '6h': 21_600_000,
  '12h': 43_200_000,
  '1d': 86_400_000,
} as const;
export type BacktestTimeframe = keyof typeof BACKTEST_TIMEFRAMES;
export const BACKTEST_TIMEFRAME_NAMES = Object.keys(BACKTEST_TIMEFRAMES) as BacktestTimeframe[];
