import { describeWithFixtures, fixture } from '../../test/helpers/fixtures';
import { StrategyRunner, type CandleColumns } from '../sandbox/strategy-runner';
import { EXAMPLE_STRATEGY } from '../sandbox/templates';
import { simulate, type SimulationSettings } from './engine';
import { computeStats } from './stats';

const HOUR = 3_600_000;

function columnsOf(rows: number[][]): CandleColumns {
  const pick = (k: number) => Float64Array.from(rows, (r) => r[k]);
  return { time: pick(0), open: pick(1), high: pick(2), low: pick(3), close: pick(4), volume: pick(5) };
}

interface Expected {
  side: 'long' | 'short';
  entryTime: number;
  exitTime: number;
  entryPrice: number;
  exitPrice: number;
  quantity: number;
  pnl: number;
  exitReason: string;
}

/**
 * The example strategy (EMA 10/20 cross, 10 % of the balance, stop 2 %, target 4 %) simulated candle by candle with
 * the documented rules, independently of the engine: no sandbox, no slices, no lazy stop scanning.
 */
function reference(c: CandleColumns, s: SimulationSettings): { trades: Expected[]; balance: number } {
  const n = c.close.length;
  const ema = (period: number) => {
    const out: number[] = [c.close[0]];
    for (let i = 1; i < n; i++) out.push((c.close[i] - out[i - 1]) * (2 / (period + 1)) + out[i - 1]);
    return out;
  };
  const fast = ema(10);
  const slow = ema(20);
  const fee = Number(s.fee);
  const slip = Number(s.slippage);
  let cash = Number(s.initialAmount);
  const trades: Expected[] = [];
  type Pos = {
    side: 'long' | 'short';
    price: number;
    qty: number;
    cost: number;
    fee: number;
    time: number;
    from: number;
    stop: number;
    target: number;
  };
  let pos: Pos | null = null;
  let pending: { exit: boolean; enter: 'long' | 'short' | null } | null = null;

  // The strategy sizes 10 % of the balance as it is when the entry fills: for a reversal, after the closing leg (the
  // engine asks the strategy again once the old position is closed). Before that fix the reversal's size was read
  // with the old position still open, which changed the futures figures of this test.
  const enter = (side: 'long' | 'short', ref: number, time: number, from: number) => {
    const size = cash * 0.1;
    const price = ref * (side === 'long' ? 1 + slip : 1 - slip);
    const qty = Math.floor((Math.min(size, cash) / (price * (1 + fee))) * 1e8) / 1e8;
    if (qty <= 0) return;
    const cost = price * qty;
    cash -= cost + cost * fee;
    const sign = side === 'long' ? 1 : -1;
    pos = {
      side,
      price,
      qty,
      cost,
      fee: cost * fee,
      time,
      from,
      stop: price * (1 - sign * 0.02),
      target: price * (1 + sign * 0.04),
    };
  };
  const exit = (price: number, time: number, reason: string, feeOf = fee) => {
    const p = pos as Pos;
    const value = price * p.qty;
    const exitFee = value * feeOf;
    cash += (p.side === 'long' ? value : 2 * p.cost - value) - exitFee;
    const gross = p.side === 'long' ? value - p.cost : p.cost - value;
    trades.push({
      side: p.side,
      entryTime: p.time,
      exitTime: time,
      entryPrice: p.price,
      exitPrice: price,
      quantity: p.qty,
      pnl: gross - p.fee - exitFee,
      exitReason: reason,
    });
    pos = null;
  };
  const marketExit = (ref: number, time: number, reason: string) =>
    exit(ref * ((pos as Pos).side === 'long' ? 1 - slip : 1 + slip), time, reason);

  for (let i = 0; i < n; i++) {
    if (pending) {
      if (pending.exit && pos) marketExit(c.open[i], c.time[i], 'signal');
      if (pending.enter) enter(pending.enter, c.open[i], c.time[i], i);
      pending = null;
    }
    const p = pos as Pos | null;
    if (p && i >= p.from) {
      const long = p.side === 'long';
      if (long ? c.low[i] <= p.stop : c.high[i] >= p.stop) {
        marketExit(long ? Math.min(c.open[i], p.stop) : Math.max(c.open[i], p.stop), c.time[i], 'stop_loss');
      } else if (long ? c.high[i] >= p.target : c.low[i] <= p.target) {
        exit(p.target, c.time[i], 'take_profit');
      }
    }
    if (i < 20) continue;
    const up = fast[i - 1] <= slow[i - 1] && fast[i] > slow[i];
    const down = fast[i - 1] >= slow[i - 1] && fast[i] < slow[i];
    const held = (pos as Pos | null)?.side ?? null;
    let act: { exit: boolean; enter: 'long' | 'short' | null } | null = null;
    if (s.market === 'spot') {
      if (!held && up) act = { exit: false, enter: 'long' };
      else if (held && down) act = { exit: true, enter: null };
    } else if (!held) act = up ? { exit: false, enter: 'long' } : down ? { exit: false, enter: 'short' } : null;
    else if (held === 'long' && down) act = { exit: true, enter: 'short' };
    else if (held === 'short' && up) act = { exit: true, enter: 'long' };
    if (!act) continue;
    if (s.fill === 'close') {
      if (act.exit) marketExit(c.close[i], c.time[i] + HOUR, 'signal');
      if (act.enter) enter(act.enter, c.close[i], c.time[i] + HOUR, i + 1);
    } else if (i + 1 < n) pending = act;
  }
  if (pos) marketExit(c.close[n - 1], c.time[n - 1] + HOUR, 'end');
  return { trades, balance: cash };
}

const settings = (fill: SimulationSettings['fill'], market: SimulationSettings['market']): SimulationSettings => ({
  initialAmount: '10000',
  fee: '0.001',
  slippage: '0.0005',
  fill,
  market,
  timeframeMs: HOUR,
});

describeWithFixtures('backtest engine on real candles', () => {
  const rows = JSON.parse(fixture('ohlcv/binance_spot_BTC_USDT-1h.json')) as number[][];
  const candles = columnsOf(rows.slice(20_000, 24_000));

  it.each([
    ['close', 'spot'],
    ['next_open', 'spot'],
    ['close', 'futures'],
    ['next_open', 'futures'],
  ] as const)(
    'fill at %s, %s: the same trades and final balance as the candle-by-candle reference',
    async (fill, market) => {
      const s = settings(fill, market);
      const expected = reference(candles, s);
      expect(expected.trades.length).toBeGreaterThan(40);
      expect(new Set(expected.trades.map((t) => t.exitReason))).toEqual(
        new Set([
          'signal',
          'stop_loss',
          'take_profit',
          ...(expected.trades.at(-1)?.exitReason === 'end' ? ['end'] : []),
        ]),
      );
      if (market === 'futures') expect(expected.trades.some((t) => t.side === 'short')).toBe(true);

      const runner = StrategyRunner.create(EXAMPLE_STRATEGY, { memoryMb: 64, timeoutMs: 500, budgetMs: 10_000 });
      runner.load(candles);
      const result = await simulate(runner, candles, s, { checkpoint: () => false });
      runner.dispose();

      expect(result.trades.map((t) => [t.side, t.entryTime, t.exitTime, t.exitReason])).toEqual(
        expected.trades.map((t) => [t.side, t.entryTime, t.exitTime, t.exitReason]),
      );
      result.trades.forEach((t, k) => {
        const e = expected.trades[k];
        expect(t.entryPrice).toBeCloseTo(e.entryPrice, 6);
        expect(t.exitPrice).toBeCloseTo(e.exitPrice, 6);
        expect(t.quantity).toBe(e.quantity);
        expect(t.pnl).toBeCloseTo(e.pnl, 6);
      });
      expect(result.finalBalance).toBeCloseTo(expected.balance, 6);
      // The end of the equity curve is the final balance (after the end exit's slippage and fee), as in the trades.
      expect(result.equity.at(-1)).toBe(result.finalBalance);
      if (result.trades.at(-1)?.exitReason === 'end')
        expect(result.trades.at(-1)?.balanceAfter).toBe(result.finalBalance);

      const stats = computeStats(result.trades, result.equity, result.exposedCandles, result.finalBalance, candles, s);
      expect(stats.totalTrades).toBe(expected.trades.length);
      expect(stats.winningTrades + stats.losingTrades).toBeLessThanOrEqual(stats.totalTrades);
      expect(stats.winningTrades).toBe(expected.trades.filter((t) => t.pnl > 0).length);
      expect(Number(stats.finalAmount)).toBeCloseTo(expected.balance, 6);
      expect(Number(stats.largestLoss)).toBeCloseTo(Math.min(...expected.trades.map((t) => t.pnl)), 6);
      expect(stats.exposurePct).toBeGreaterThan(0);
      expect(stats.exposurePct).toBeLessThan(100);
    },
  );

  it('stops when the checkpoint says so, and reports progress as it goes', async () => {
    const runner = StrategyRunner.create(EXAMPLE_STRATEGY, { memoryMb: 64, timeoutMs: 500, budgetMs: 10_000 });
    runner.load(candles);
    const seen: number[] = [];
    const result = await simulate(runner, candles, settings('close', 'spot'), {
      checkpoint: (done) => {
        seen.push(done);
        return done >= 1000;
      },
    });
    runner.dispose();
    expect(result.cancelled).toBe(true);
    expect(Math.max(...seen)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...seen)).toBeLessThan(candles.close.length);
    expect(result.trades.every((t) => t.exitTime <= candles.time[Math.max(...seen)] + HOUR)).toBe(true);
  });
});

describe('backtest statistics', () => {
  it('computes drawdown, win rate, profit factor and buy-and-hold from the trades and the equity curve', () => {
    const time = Float64Array.from({ length: 4 }, (_, i) => i * 86_400_000);
    const close = Float64Array.from([100, 110, 90, 120]);
    const candles: CandleColumns = { time, open: close, high: close, low: close, close, volume: close };
    const equity = Float64Array.from([1000, 1200, 900, 1100]);
    const trade = (pnl: number) => ({
      side: 'long' as const,
      entryTime: 0,
      exitTime: 1,
      entryPrice: 1,
      exitPrice: 1,
      quantity: 1,
      fees: 0,
      pnl,
      balanceAfter: 0,
      exitReason: 'signal' as const,
    });
    const s = { ...settings('close', 'spot'), initialAmount: '1000', fee: '0', slippage: '0', timeframeMs: 86_400_000 };
    const stats = computeStats([trade(300), trade(-100), trade(-100)], equity, 2, 1100, candles, s);
    expect(stats).toMatchObject({
      totalPnl: '100',
      totalPnlPct: 10,
      winningTrades: 1,
      losingTrades: 2,
      winRate: 33.33,
      largestWin: '300',
      largestLoss: '-100',
      maxDrawdown: '300',
      maxDrawdownPct: 25,
      profitFactor: 1.5,
      exposurePct: 50,
      buyAndHoldFinal: '1200',
      buyAndHoldPct: 20,
    });
    expect(stats.sharpe).not.toBeNull();
  });
});
