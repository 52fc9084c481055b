// One meaning of win rate, profit factor and drawdown, for backtests and live statistics alike.
import { exposurePct, maxDrawdown, riskRatios, tradeOutcomes } from './outcomes';

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

describe('exposurePct', () => {
  it('counts overlapping positions once and only inside the period', () => {
    // [0, 10) and [5, 20) cover 20 of [0, 40); [30, 50) adds the 10 before the end.
    expect(
      exposurePct(
        [
          [0, 10],
          [5, 20],
          [30, 50],
        ],
        0,
        40,
      ),
    ).toBe(75);
    expect(exposurePct([[-10, 10]], 0, 40)).toBe(25);
    expect(exposurePct([], 0, 40)).toBe(0);
    expect(exposurePct([[0, 10]], 10, 10)).toBe(0);
  });
});

describe('riskRatios', () => {
  it('annualises daily returns by √365, Sharpe on the sample deviation, Sortino on the downside', () => {
    // Returns +10 %, −10 %, +10 %: mean 1/30, sample sd 0.11547, downside √(0.01 / 3).
    const { sharpe, sortino } = riskRatios([100, 110, 99, 108.9]);
    expect(sharpe).toBeCloseTo((0.1 / 3 / Math.sqrt(0.04 / 3)) * Math.sqrt(365), 3);
    expect(sortino).toBeCloseTo((0.1 / 3 / Math.sqrt(0.01 / 3)) * Math.sqrt(365), 3);
    expect(riskRatios([100, 110])).toEqual({ sharpe: null, sortino: null });
  });
});
