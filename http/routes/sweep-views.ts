import type { BacktestStats } from '../../core/backtest/stats';
import type { Sweep } from '../../core/db/models';
import { trimDecimal, trimNullableDecimal } from '../../core/decimal';

// The JSON of the sweep routes, built here so that the web app reads its types from what builds it.

export function sweepSummary(s: Sweep, strategyName: string | null | undefined) {
  return {
    id: s.id,
    strategyId: s.strategy_id,
    strategyName: strategyName ?? null,
    source: s.source,
    symbol: s.symbol,
    timeframe: s.timeframe,
    from: new Date(s.start_date).toISOString(),
    to: new Date(s.end_date).toISOString(),
    outOfSample: s.oos_start
      ? { from: new Date(s.oos_start).toISOString(), to: new Date(s.oos_end!).toISOString() }
      : null,
    outOfSampleTop: s.oos_top,
    initialAmount: trimDecimal(s.initial_amount),
    fee: trimDecimal(s.fee),
    slippage: trimDecimal(s.slippage),
    fill: s.fill,
    market: s.market,
    params: s.grid,
    constraints: s.constraints,
    maxRuns: s.max_runs,
    combinations: s.combinations,
    rankBy: s.rank_by,
    status: s.status,
    phase: s.phase,
    error: s.error_message,
    createdAt: new Date(s.created_at).toISOString(),
    startedAt: s.started_at ? new Date(s.started_at).toISOString() : null,
    finishedAt: s.finished_at ? new Date(s.finished_at).toISOString() : null,
  };
}
export type SweepSummaryView = ReturnType<typeof sweepSummary>;

/** The figures of each run the page shows (the rest of a run's statistics stay in its row). */
const RUN_FIGURES = [
  'finalAmount',
  'totalPnlPct',
  'totalTrades',
  'winRate',
  'maxDrawdownPct',
  'sharpe',
  'sortino',
  'profitFactor',
  'exposurePct',
] as const satisfies readonly (keyof BacktestStats)[];
export type RunFigures = Pick<BacktestStats, (typeof RUN_FIGURES)[number]>;

/** A row of `sweep_runs`. */
export interface SweepRunRow {
  phase: Sweep['phase'];
  index: number;
  params: Record<string, number>;
  status: 'queued' | 'completed' | 'failed' | 'cancelled';
  stats: BacktestStats | null;
  final_amount: string | null;
  metric: number | null;
  error_message: string | null;
  duration_ms: number | null;
  worker: string | null;
}

export function sweepRunView(r: SweepRunRow) {
  return {
    phase: r.phase,
    index: r.index,
    params: r.params,
    status: r.status,
    metric: r.metric,
    finalAmount: trimNullableDecimal(r.final_amount),
    stats: r.stats ? (Object.fromEntries(RUN_FIGURES.map((k) => [k, r.stats![k] ?? null])) as RunFigures) : null,
    error: r.error_message,
    durationMs: r.duration_ms,
    worker: r.worker,
  };
}
export type SweepRunView = ReturnType<typeof sweepRunView>;

/** `GET /api/sweeps/:id`: the sweep, its progress in the current phase, and every run. */
export interface SweepDetailView extends SweepSummaryView {
  progress: { done: number; total: number; etaSeconds: number | null };
  runs: SweepRunView[];
}

/** `POST /api/sweeps`: the sweep queued, the runs sampled and the combinations the grid holds. */
export interface SweepQueued {
  id: number;
  runs: number;
  combinations: number;
}
