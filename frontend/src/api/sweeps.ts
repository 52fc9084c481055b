import type { ParamSpecs } from '@core/sandbox/strategy-params';
import type { ParamRange } from '@core/sweeps/grid';
import type { RankBy } from '@core/sweeps/ranking';
import type { RunSettings } from './strategies';

export type { ParamSpecs, ParamRange, RankBy };

export type SweepStatus = 'queued' | 'loading' | 'running' | 'completed' | 'failed' | 'cancelled';
export type SweepPhase = 'in' | 'out';

/** What POST /api/sweeps takes. */
export interface SweepRequest extends RunSettings {
  params: Record<string, ParamRange>;
  maxRuns: number;
  rankBy: RankBy;
  constraints: string[];
  outOfSample: { from: string; to: string } | null;
  outOfSampleTop: number;
}

export interface SweepSummary {
  id: number;
  strategyId: number | null;
  strategyName: string | null;
  source: string;
  symbol: string;
  timeframe: string;
  from: string;
  to: string;
  outOfSample: { from: string; to: string } | null;
  outOfSampleTop: number;
  initialAmount: string;
  fee: string;
  slippage: string;
  fill: 'close' | 'next_open';
  market: 'spot' | 'futures';
  params: Record<string, ParamRange>;
  constraints: string[];
  maxRuns: number;
  combinations: number;
  rankBy: RankBy;
  status: SweepStatus;
  phase: SweepPhase;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** The figures of one run (a subset of the backtest statistics). */
export interface RunFigures {
  finalAmount: string;
  totalPnlPct: number;
  totalTrades: number;
  winRate: number | null;
  maxDrawdownPct: number;
  sharpe: number | null;
  sortino: number | null;
  profitFactor: number | null;
  exposurePct: number;
}

export interface SweepRun {
  phase: SweepPhase;
  index: number;
  params: Record<string, number>;
  status: 'queued' | 'completed' | 'failed' | 'cancelled';
  metric: number | null;
  finalAmount: string | null;
  stats: RunFigures | null;
  error: string | null;
  durationMs: number | null;
  worker: string | null;
}

export interface SweepDetail extends SweepSummary {
  progress: { done: number; total: number; etaSeconds: number | null };
  runs: SweepRun[];
}
