import type { BacktestStats } from '@core/backtest/stats';
import type { ParamSpecs } from '@core/sandbox/strategy-params';

export type { BacktestStats, ParamSpecs };

export interface StrategyItem {
  id: number;
  name: string;
  description: string;
  timeframe: string;
  code: string;
  createdAt: string;
  updatedAt: string;
}

/** What POST and PUT /api/strategies take. */
export type StrategyDraft = Pick<StrategyItem, 'name' | 'description' | 'timeframe' | 'code'>;

export type ValidationResult =
  | { ok: true; trades: number; candles: number; logs: string[]; typescript: boolean; params: ParamSpecs }
  | { ok: false; error: { message: string; line: number | null; column: number | null } };

export type BacktestStatus = 'queued' | 'loading' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface BacktestSummary {
  id: number;
  strategyId: number | null;
  strategyName: string | null;
  source: string;
  symbol: string;
  timeframe: string;
  from: string;
  to: string;
  initialAmount: string;
  finalAmount: string | null;
  fee: string;
  slippage: string;
  fill: 'close' | 'next_open';
  market: 'spot' | 'futures';
  status: BacktestStatus;
  progress: number;
  /** Where a cancelled or failed run stopped. */
  stoppedPhase: 'loading' | 'running' | null;
  error: string | null;
  totalTrades: number | null;
  /** The strategy's parameter values of this run; null: its defaults. */
  params: Record<string, number> | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface BacktestTradeItem {
  side: 'long' | 'short';
  entryTime: string;
  exitTime: string | null;
  entryPrice: string;
  exitPrice: string | null;
  quantity: string;
  fees: string;
  pnl: string | null;
  balanceAfter: string | null;
  exitReason: string | null;
}

export interface BacktestDetail extends BacktestSummary {
  result: (BacktestStats & { equity: [number, number][]; logs: string[] }) | { error: unknown } | null;
  trades: BacktestTradeItem[];
}

export interface CandleSource {
  source: string;
  symbol: string;
  timeframe: string;
  count: number;
  first: string;
  last: string;
}

/** What a backtest and a sweep both run on: the strategy, the candles, the period and the simulated market. */
export interface RunSettings {
  strategyId: number;
  source: string;
  symbol: string;
  timeframe: string;
  from: string;
  to: string;
  initialAmount: string;
  fee: string;
  slippage: string;
  fill: 'close' | 'next_open';
  market: 'spot' | 'futures';
}
