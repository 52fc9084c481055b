import type { BacktestStats } from '../backtest/stats';

/** What a sweep may rank its runs by, and which way is better. */
export const RANK_METRICS = {
  finalAmount: { better: 'higher', of: (s: BacktestStats) => Number(s.finalAmount) },
  sharpe: { better: 'higher', of: (s: BacktestStats) => s.sharpe },
  sortino: { better: 'higher', of: (s: BacktestStats) => s.sortino },
  profitFactor: { better: 'higher', of: (s: BacktestStats) => s.profitFactor },
  winRate: { better: 'higher', of: (s: BacktestStats) => s.winRate },
  maxDrawdownPct: { better: 'lower', of: (s: BacktestStats) => s.maxDrawdownPct },
} as const satisfies Record<string, { better: 'higher' | 'lower'; of(s: BacktestStats): number | null }>;

export type RankBy = keyof typeof RANK_METRICS;
export const RANK_NAMES = Object.keys(RANK_METRICS) as RankBy[];

/** The run's value of the metric; null when the run does not define it (no trade, no loss): ranked last. */
export function metricOf(stats: BacktestStats, rankBy: RankBy): number | null {
  const value = RANK_METRICS[rankBy].of(stats);
  return value === null || !Number.isFinite(value) ? null : value;
}

/** SQL order of the best runs first. */
export function bestFirst(rankBy: RankBy): 'desc' | 'asc' {
  return RANK_METRICS[rankBy].better === 'higher' ? 'desc' : 'asc';
}
