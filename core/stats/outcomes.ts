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
