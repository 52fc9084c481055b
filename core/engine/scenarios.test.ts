// The engine's rules one at a time, each on a small table of candles, through the real sandbox and the backtest
// driver: what a bug in one rule would change is then visible in one scenario, with figures checked by hand.
import { simulate, type SimulationSettings } from '../backtest/engine';
import { computeStats, equityCurve } from '../backtest/stats';
import { StrategyRunner, type CandleColumns } from '../sandbox/strategy-runner';

const HOUR = 3_600_000;
const LONG = 1;
const SHORT = -1;

/** Rows: [open, high, low, close, signal]; the signal (1 long, -1 short) rides in the volume column. */
type Row = [number, number, number, number, number];

function columnsOf(rows: Row[]): CandleColumns {
  const pick = (k: number) => Float64Array.from(rows, (r) => r[k]);
  return {
    time: Float64Array.from(rows, (_, i) => i * HOUR),
    open: pick(0),
    high: pick(1),
    low: pick(2),
    close: pick(3),
    volume: pick(4),
  };
}

interface Plan {
  /** Share of this.balance the strategy commits. */
  size: number;
  stopLoss?: number;
  takeProfit?: number;
}

async function play(rows: Row[], plan: Plan, overrides: Partial<SimulationSettings> = {}) {
  const code = `class Table extends Strategy {
    shouldLong() { return this.candles.volume.at(-1) === ${LONG}; }
    shouldShort() { return this.candles.volume.at(-1) === ${SHORT}; }
    calculatePositionSize() { return this.balance * ${plan.size}; }
    calculateStopLoss() { return ${plan.stopLoss ?? 0}; }
    calculateTakeProfit() { return ${plan.takeProfit ?? 0}; }
  }`;
  const settings: SimulationSettings = {
    initialAmount: '10000',
    fee: '0',
    slippage: '0',
    fill: 'close',
    market: 'spot',
    timeframeMs: HOUR,
    ...overrides,
  };
  const candles = columnsOf(rows);
  const runner = StrategyRunner.create(code, { memoryMb: 64, timeoutMs: 500, budgetMs: 10_000 });
  try {
    runner.load(candles);
    const result = await simulate(runner, candles, settings, { checkpoint: () => false });
    return { ...result, candles, settings };
  } finally {
    runner.dispose();
  }
}

const half = { size: 0.5, stopLoss: 0.02, takeProfit: 0.04 };

describe('engine scenarios', () => {
  it('takes the stop, not the target, when one candle touches both', async () => {
    const { trades } = await play(
      [
        [100, 100, 100, 100, LONG], // long at the close, 100: stop 98, target 104, 50 units
        [100, 105, 97, 101, 0], // the range holds both 97 and 105: the worse (the stop) is assumed first
      ],
      half,
    );
    expect(trades).toMatchObject([{ exitReason: 'stop_loss', exitPrice: 98, quantity: 50, pnl: -100 }]);
  });

  it('fills a stop at the open when the price gapped through it', async () => {
    const { trades } = await play(
      [
        [100, 100, 100, 100, LONG], // long at 100, stop 98
        [95, 96, 90, 93, 0], // opens at 95, already under the stop: the stop order fills at 95, not 98
      ],
      half,
    );
    expect(trades).toMatchObject([{ exitReason: 'stop_loss', exitPrice: 95, pnl: -250, exitTime: HOUR }]);
  });

  it('fills a take-profit at its own price, with the maker fee on that leg', async () => {
    const { trades } = await play(
      [
        [100, 100, 100, 100, LONG], // long at 100 (0.1 % fee): target 104
        [101, 103, 100.5, 102, 0], // neither level touched
        [102, 110, 101, 108, 0], // trades through 104: the limit fills at 104, not at the high or the close
      ],
      half,
      { fee: '0.001' },
    );
    const quantity = Math.floor((5000 / (100 * 1.001)) * 1e8) / 1e8;
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ exitReason: 'take_profit', exitPrice: 104, exitTime: 2 * HOUR, quantity });
    expect(trades[0].fees).toBeCloseTo(quantity * 100 * 0.001 + quantity * 104 * 0.001, 9);
    expect(trades[0].pnl).toBeCloseTo(quantity * 4 - trades[0].fees, 9);
  });

  it('enters at the next open when told to, timed at that candle', async () => {
    const { trades } = await play(
      [
        [100, 100, 100, 100, LONG], // the signal is read on this close...
        [101, 102, 100, 101, 0], // ...and fills at this open, 101
        [101, 101, 101, 101, 0],
      ],
      { size: 0.5 },
      { fill: 'next_open' },
    );
    expect(trades).toMatchObject([{ entryPrice: 101, entryTime: HOUR, exitReason: 'end', exitTime: 3 * HOUR }]);
  });

  it('checks the entry candle itself for the stop when the entry filled at its open', async () => {
    const { trades } = await play(
      [
        [100, 100, 100, 100, LONG], // signal; fills at the next open
        [100, 100.5, 97, 99, 0], // filled at 100 at the open, then the low of 97 passes the stop (98): out at once
      ],
      half,
      { fill: 'next_open' },
    );
    expect(trades).toMatchObject([{ entryTime: HOUR, exitTime: HOUR, exitReason: 'stop_loss', exitPrice: 98 }]);
  });

  it('does not check the entry candle when the entry filled at its close', async () => {
    const { trades } = await play(
      [
        [100, 100, 90, 100, LONG], // the low of 90 came before the fill at the close: no stop
        [100, 101, 99, 100, 0],
      ],
      half,
    );
    expect(trades).toMatchObject([{ exitReason: 'end' }]);
  });

  it('sizes the new leg of a reversal from the balance after the closing leg', async () => {
    const { trades } = await play(
      [
        [100, 100, 100, 100, LONG], // long with 95 % of 10,000: 95 units at 100, 500 left
        [110, 110, 110, 110, SHORT], // shouldShort while long: the long closes at 110 (+950, balance 10,950)...
        // ...and the short takes 95 % of 10,950 (≈94.57 units), not 95 % of the 500 left while the long was open
        [100, 100, 100, 100, 0], // the short is closed at the end of the data, at 100
      ],
      { size: 0.95 },
      { market: 'futures' },
    );
    expect(trades.map((t) => [t.side, t.exitReason])).toEqual([
      ['long', 'signal'],
      ['short', 'end'],
    ]);
    expect(trades[0].balanceAfter).toBeCloseTo(10_950, 9);
    expect(trades[1].quantity).toBe(Math.floor(((10_950 * 0.95) / 110) * 1e8) / 1e8);
    expect(trades[1].pnl).toBeCloseTo(trades[1].quantity * 10, 6);
  });

  it('closes what is still open after the last candle, and the balance, the equity curve and the trades agree', async () => {
    const result = await play(
      [
        [100, 100, 100, 100, LONG], // long at 100 (+0.05 % slippage, 0.1 % fee)
        [102, 103, 101, 102, 0], // marked at 102 in the equity curve
        [105, 106, 104, 105, 0], // last candle: the position is closed at its close, less slippage and fee
      ],
      { size: 0.5 },
      { fee: '0.001', slippage: '0.0005' },
    );
    const { trades, equity, finalBalance, candles, settings } = result;
    expect(trades).toMatchObject([{ exitReason: 'end', exitTime: 3 * HOUR, exitPrice: 105 * (1 - 0.0005) }]);
    const entryCost = trades[0].quantity * trades[0].entryPrice;
    expect(equity[1]).toBeCloseTo(10_000 - entryCost * 1.001 + trades[0].quantity * 102, 9);
    // The last point is the balance after the end exit (not the position marked at the close).
    expect(equity[2]).toBe(finalBalance);
    expect(trades[0].balanceAfter).toBe(finalBalance);
    expect(equityCurve(equity, candles.time).at(-1)).toEqual([2 * HOUR, Math.round(finalBalance * 1e8) / 1e8]);
    const stats = computeStats(trades, equity, result.exposedCandles, finalBalance, candles, settings);
    expect(Number(stats.finalAmount)).toBeCloseTo(finalBalance, 8);
    expect(Number(stats.totalPnl)).toBeCloseTo(trades[0].pnl, 8);
  });

  it("refuses an entry under the market's minimum notional, and takes one above it", async () => {
    const rows: Row[] = [
      [100, 100, 100, 100, LONG], // asks for 0.05 % (5 USDT) then 0.2 % (20 USDT); the market's minimum is 10
      [100, 100, 100, 100, 0],
    ];
    const marketRules = { amountStep: '0.00001', minAmount: '0.00001', minCost: '10' };
    const tiny = await play(rows, { size: 0.0005 }, { marketRules });
    expect(tiny.trades).toEqual([]);
    expect(tiny.finalBalance).toBe(10_000);
    expect(tiny.exposedCandles).toBe(0);
    const enough = await play(rows, { size: 0.002 }, { marketRules });
    expect(enough.trades).toMatchObject([{ quantity: 0.2 }]);
  });

  it("refuses an entry under the market's minimum quantity", async () => {
    const rows: Row[] = [
      [100, 100, 100, 100, LONG], // 50 USDT at 100: 0.5 unit, under the minimum of 1
      [100, 100, 100, 100, 0],
    ];
    const { trades } = await play(
      rows,
      { size: 0.005 },
      { marketRules: { amountStep: '1', minAmount: '1', minCost: null } },
    );
    expect(trades).toEqual([]);
  });

  it("rounds the quantity down to the market's amount step", async () => {
    const rows: Row[] = [
      [100, 100, 100, 100, LONG], // 1,234.5 USDT at 100: 12.345 units, the market trades by 0.01
      [100, 100, 100, 100, 0],
    ];
    const { trades, finalBalance } = await play(
      rows,
      { size: 0.12345 },
      { marketRules: { amountStep: '0.01', minAmount: null, minCost: null } },
    );
    expect(trades).toMatchObject([{ quantity: 12.34 }]);
    expect(finalBalance).toBe(10_000);
    const fine = await play(rows, { size: 0.12345 });
    expect(fine.trades).toMatchObject([{ quantity: 12.345 }]);
  });
});
