// One meaning of win rate, profit factor and drawdown, for backtests and live statistics alike.
import { maxDrawdown, tradeOutcomes } from './outcomes';

describe('trade outcomes', () => {
  it('counts a trade at zero as neither a win nor a loss, but as a trade', () => {
    expect(tradeOutcomes([10, -5, 0, 20])).toEqual({
      trades: 4,
      wins: 2,
      losses: 1,
      winRate: 50,
      // (10 + 20) / 5
      profitFactor: 6,
      largestWin: 20,
      largestLoss: -5,
    });
  });

  it('has no profit factor without a loss, and no win rate without a trade', () => {
    expect(tradeOutcomes([3, 4])).toMatchObject({ profitFactor: null, winRate: 100 });
    expect(tradeOutcomes([])).toMatchObject({ trades: 0, winRate: null, largestWin: null, largestLoss: null });
  });

  it('measures the largest fall from a running peak', () => {
    // Peak 120, trough 90: 30, a quarter of the peak; the later fall from 130 to 110 is smaller.
    expect(maxDrawdown([100, 120, 90, 130, 110])).toEqual({ abs: 30, pct: 25 });
    expect(maxDrawdown([])).toEqual({ abs: 0, pct: 0 });
  });
});
