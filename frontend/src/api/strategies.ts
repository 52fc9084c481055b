import type { z } from 'zod';
import type { backtestFields, backtestSchema } from '@http/routes/backtest-fields';
import type { strategyCodeSchema, strategySchema } from '@http/routes/strategy-fields';

export type { BacktestStats } from '@core/backtest/stats';
export type { CandleSourceSummary as CandleSource } from '@core/candles/candle-sources';
export type { ParamSpecs } from '@core/sandbox/strategy-params';
export type { ValidationResult } from '@core/sandbox/validate';
export type {
  BacktestDetailView as BacktestDetail,
  BacktestQueued,
  BacktestBars,
  BacktestSummaryView as BacktestSummary,
  BacktestTradeView as BacktestTradeItem,
} from '@http/routes/backtest-views';
export type { StrategyView as StrategyItem } from '@http/routes/strategy-views';

/** What POST and PUT /api/strategies take. */
export type StrategyDraft = z.input<typeof strategySchema>;
/** What « Tester la syntaxe » sends. */
export type StrategyCodeBody = z.input<typeof strategyCodeSchema>;

/** The body of `POST /api/backtests`. */
export type BacktestBody = z.input<typeof backtestSchema>;
/**
 * What a backtest and a sweep both run on, every field given (the forms hold them all): the strategy, the candles,
 * the period and the simulated market, as the server reads them.
 */
export type RunSettings = Pick<z.output<typeof backtestSchema>, keyof typeof backtestFields>;
