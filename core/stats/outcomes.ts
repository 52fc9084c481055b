/**
 * What a list of closed trades' results says, with one meaning for backtests and for live statistics: a win is a
 * trade that made money, a loss one that lost some (a trade at exactly zero is neither); the win rate is wins over
 * all trades, in %; the profit factor is gross profit over gross loss (null without a loss).
 */
export interface TradeOutcomes {
  trades: number;
  wins: number;
  losses: number;
  winRate: number | null;
  profitFactor: number | null;
  largestWin: number | null;
  largestLoss: number | null;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

export function tradeOutcomes(pnls: number[]): TradeOutcomes {
  const wins = pnls.filter((p) => p > 0);
  const losses = pnls.filter((p) => p < 0);
  const grossProfit = wins.reduce((a, p) => a + p, 0);
  const grossLoss = Math.abs(losses.reduce((a, p) => a + p, 0));
  return {
    trades: pnls.length,
    wins: wins.length,
    losses: losses.length,
    winRate: pnls.length ? round((wins.length / pnls.length) * 100, 2) : null,
    profitFactor: grossLoss === 0 ? null : round(grossProfit / grossLoss, 4),
    largestWin: wins.length ? Math.max(...wins) : null,
    largestLoss: losses.length ? Math.min(...losses) : null,
  };
}

/** The largest fall from a running peak of a value over time (an equity, a cumulated P&L), absolute and in % of it. */
export function maxDrawdown(values: Iterable<number>): { abs: number; pct: number } {
  let peak = -Infinity;
  let abs = 0;
  let pct = 0;
  for (const value of values) {
    if (value > peak) peak = value;
    const fall = peak - value;
    if (fall > abs) abs = fall;
    if (peak > 0 && fall / peak > pct) pct = fall / peak;
  }
  return { abs, pct: pct * 100 };
}

const DAY_MS = 86_400_000;
const YEAR_DAYS = 365;

/** The last value of each UTC day, values in time order (a series of days or longer is taken as it is). */
export function dailyCloses(values: ArrayLike<number>, times: ArrayLike<number>, stepMs = 0): number[] {
  if (stepMs >= DAY_MS) return Array.from(values);
  const out: number[] = [];
  for (let j = 0; j < values.length; j++) {
    const lastOfDay = j === values.length - 1 || Math.floor(times[j] / DAY_MS) !== Math.floor(times[j + 1] / DAY_MS);
    if (lastOfDay) out.push(values[j]);
  }
  return out;
}

/**
 * Annualised Sharpe and Sortino ratios of the returns between successive values (daily ones: crypto trades every
 * day, so √365; risk-free rate 0). Sharpe divides by the sample standard deviation, Sortino by the downside
 * deviation (the root mean square of the negative returns, over every return).
 */
export function riskRatios(values: number[], periodMs = DAY_MS): { sharpe: number | null; sortino: number | null } {
  const returns: number[] = [];
  for (let j = 1; j < values.length; j++) if (values[j - 1] > 0) returns.push(values[j] / values[j - 1] - 1);
  if (returns.length < 2) return { sharpe: null, sortino: null };
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const variance = returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (returns.length - 1);
  const downside = Math.sqrt(returns.reduce((a, r) => a + Math.min(r, 0) ** 2, 0) / returns.length);
  const annual = Math.sqrt((YEAR_DAYS * DAY_MS) / Math.max(periodMs, DAY_MS));
  return {
    sharpe: variance > 0 ? round((mean / Math.sqrt(variance)) * annual, 4) : null,
    sortino: downside > 0 ? round((mean / downside) * annual, 4) : null,
  };
}

/** Share of [start, end) during which at least one of the intervals was open, in % (a backtest counts candles). */
export function exposurePct(intervals: Iterable<readonly [number, number]>, start: number, end: number): number {
  if (end <= start) return 0;
  const clipped: [number, number][] = [];
  for (const [a, b] of intervals) {
    const from = a > start ? a : start;
    const to = b < end ? b : end;
    if (to > from) clipped.push([from, to]);
  }
  clipped.sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let reach = start;
  for (const [a, b] of clipped) {
    if (b <= reach) continue;
    covered += b - Math.max(a, reach);
    reach = b;
  }
  return round((covered / (end - start)) * 100, 4);
}
