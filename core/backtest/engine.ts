import type { CandleColumns, Decision, StrategyRunner, StrategyState } from '../sandbox/strategy-runner';
import { floatFills, type FeesOf, type FillOf } from '../trading/fill-model';

export interface SimulationSettings {
  initialAmount: string;
  /** Fee rate charged on each leg ('0.001' = 0.1 %), maker and taker alike. */
  fee: string;
  slippage: string;
  /** Where a signal on the close of candle i fills: that close, or the open of candle i+1. */
  fill: 'close' | 'next_open';
  market: 'spot' | 'futures';
  timeframeMs: number;
}

export type ExitReason = 'signal' | 'stop_loss' | 'take_profit' | 'end';

/** Simulated in float64 (see fill-model.ts); turned into decimal strings when stored. */
export interface SimulatedTrade {
  side: 'long' | 'short';
  entryTime: number;
  exitTime: number;
  entryPrice: number;
  exitPrice: number;
  quantity: number;
  fees: number;
  pnl: number;
  balanceAfter: number;
  exitReason: ExitReason;
}

export interface SimulationHooks {
  /** Called between slices (≈100 ms of strategy time at most): report progress, return true to stop. */
  checkpoint(done: number, total: number): Promise<boolean> | boolean;
}

export interface Simulation {
  trades: SimulatedTrade[];
  /** Equity at each candle's close (cash + open position marked at the close). */
  equity: Float64Array;
  /** Candles during which a position was open. */
  exposedCandles: number;
  finalBalance: number;
  cancelled: boolean;
  logs: string[];
}

/** Quantities are rounded down to this many decimals, as an exchange's amount precision would. */
const QUANTITY_STEPS = 1e8;
type Fill = FillOf<number>;

interface OpenPosition {
  side: 'long' | 'short';
  entry: Fill;
  entryTime: number;
  /** First candle whose range can touch the stops (the fill's own candle when filled at its open). */
  checkFrom: number;
  stop: number | null;
  target: number | null;
  /** First candle at or after checkFrom where a stop or target is touched, once found. */
  hitAt: number | null;
  /** Candles before this one have been scanned for hits (lazily, in windows that double: most trades end early). */
  scanned: number;
  window: number;
}

/**
 * Runs a strategy over historical candles through the paper exchange's fill model. Rules:
 * - a signal is read on the close of candle i; it fills at close[i] or open[i+1] (`fill`), market orders moved
 *   against us by the slippage, fee on both legs;
 * - the position size is an amount of quote currency (capped at the free balance); 1× exposure in futures;
 * - stop-loss and take-profit are fractions from the entry price, checked against the high/low of each later
 *   candle (and of the entry candle when filled at its open); the stop is taken first when both are touched;
 *   a stop fills at its price or the candle's open if it gapped through, a target at its own price;
 * - an opposite signal closes the position (spot: shouldShort while long); in futures it also opens the other side;
 * - a position still open after the last candle is closed at its close (reason `end`).
 */
export async function simulate(
  runner: StrategyRunner,
  candles: CandleColumns,
  settings: SimulationSettings,
  hooks: SimulationHooks,
): Promise<Simulation> {
  const n = candles.close.length;
  const feeRate = Number(settings.fee);
  const slippage = Number(settings.slippage);
  const fees: FeesOf<number> = { makerFee: feeRate, takerFee: feeRate };
  const equity = new Float64Array(n);
  const trades: SimulatedTrade[] = [];
  const logs: string[] = [];
  let cash = Number(settings.initialAmount);
  let position = null as OpenPosition | null;
  let pending = null as Decision | null;
  let exposedCandles = 0;

  const state = (): StrategyState => ({
    balance: cash,
    position: position && {
      side: position.side,
      entryPrice: position.entry.price,
      quantity: position.entry.amount,
      entryTime: position.entryTime,
      stopLoss: position.stop,
      takeProfit: position.target,
    },
  });

  /** The candle where the position's stop or target is touched, or the first candle not scanned yet. */
  const scanForHit = (p: OpenPosition, from: number): number => {
    if (p.hitAt !== null) return p.hitAt;
    if (p.stop === null && p.target === null) return n;
    const { low, high } = candles;
    const stop = p.stop ?? (p.side === 'long' ? -Infinity : Infinity);
    const target = p.target ?? (p.side === 'long' ? Infinity : -Infinity);
    const limit = Math.min(n, Math.max(from, p.scanned) + p.window);
    p.window = Math.min(p.window * 2, 65536);
    for (let j = Math.max(p.checkFrom, p.scanned); j < limit; j++) {
      const hit = p.side === 'long' ? low[j] <= stop || high[j] >= target : high[j] >= stop || low[j] <= target;
      if (hit) {
        p.hitAt = j;
        return j;
      }
    }
    p.scanned = limit;
    return limit;
  };

  const open = (d: Decision & { kind: 'entry' | 'reverse' }, price: number, time: number, checkFrom: number) => {
    const side = d.side === 'long' ? 'buy' : 'sell';
    const slipped = price * (side === 'buy' ? 1 + slippage : 1 - slippage);
    const quantity = Math.floor((Math.min(d.size, cash) / (slipped * (1 + feeRate))) * QUANTITY_STEPS) / QUANTITY_STEPS;
    if (!(quantity > 0)) return;
    const entry = floatFills.marketFill(side, quantity, price, fees, slippage);
    cash -= entry.cost + entry.fee;
    const sign = d.side === 'long' ? 1 : -1;
    position = {
      side: d.side,
      entry,
      entryTime: time,
      checkFrom,
      stop: d.stopLoss > 0 ? entry.price * (1 - sign * d.stopLoss) : null,
      target: d.takeProfit > 0 ? entry.price * (1 + sign * d.takeProfit) : null,
      hitAt: null,
      scanned: checkFrom,
      window: 16,
    };
  };

  const close = (exit: Fill, time: number, reason: ExitReason) => {
    const p = position as OpenPosition;
    const entryCost = p.entry.cost;
    cash += (p.side === 'long' ? exit.cost : 2 * entryCost - exit.cost) - exit.fee;
    const gross = p.side === 'long' ? exit.cost - entryCost : entryCost - exit.cost;
    const feesPaid = p.entry.fee + exit.fee;
    trades.push({
      side: p.side,
      entryTime: p.entryTime,
      exitTime: time,
      entryPrice: p.entry.price,
      exitPrice: exit.price,
      quantity: p.entry.amount,
      fees: feesPaid,
      pnl: gross - feesPaid,
      balanceAfter: cash,
      exitReason: reason,
    });
    position = null;
  };

  const closeAtMarket = (price: number, time: number, reason: ExitReason) => {
    const p = position as OpenPosition;
    close(
      floatFills.marketFill(p.side === 'long' ? 'sell' : 'buy', p.entry.amount, price, fees, slippage),
      time,
      reason,
    );
  };

  /** Stop or target touched during candle j (the stop first). */
  const exitOnRange = (j: number) => {
    const p = position as OpenPosition;
    const time = candles.time[j];
    const o = candles.open[j];
    const stopHit = p.stop !== null && (p.side === 'long' ? candles.low[j] <= p.stop : candles.high[j] >= p.stop);
    if (stopHit) {
      const stop = p.stop as number;
      closeAtMarket(p.side === 'long' ? Math.min(o, stop) : Math.max(o, stop), time, 'stop_loss');
      return;
    }
    const filled = floatFills.limitFill(
      { side: p.side === 'long' ? 'sell' : 'buy', amount: p.entry.amount, price: p.target as number },
      { low: candles.low[j], high: candles.high[j] },
      fees,
    );
    close(filled as Fill, time, 'take_profit');
  };

  const act = (d: Decision, price: number, time: number, checkFrom: number) => {
    if (d.kind === 'exit' || d.kind === 'reverse') {
      if (position) closeAtMarket(price, time, 'signal');
    }
    if (d.kind === 'entry' || d.kind === 'reverse') open(d, price, time, checkFrom);
  };

  const markEquity = (from: number, to: number) => {
    const p = position as OpenPosition | null;
    if (p === null) {
      equity.fill(cash, from, to);
      return;
    }
    const quantity = p.entry.amount;
    const entryCost = p.entry.cost;
    for (let j = from; j < to; j++) {
      const value = quantity * candles.close[j];
      equity[j] = cash + (p.side === 'long' ? value : 2 * entryCost - value);
    }
    exposedCandles += to - from;
  };

  runner.start(cash, settings.market);
  let i = 0;
  let cancelled = false;
  while (i < n) {
    if (pending) {
      act(pending, candles.open[i], candles.time[i], i);
      pending = null;
    }
    if (position && scanForHit(position, i) === i) exitOnRange(i);
    const end = position ? Math.max(scanForHit(position, i), i + 1) : n;
    const decision = runner.run(i, end, state());
    if (decision.kind === 'none') {
      markEquity(i, decision.next);
      i = decision.next;
      if (await hooks.checkpoint(i, n)) {
        cancelled = true;
        break;
      }
      continue;
    }
    const k = decision.i;
    if (settings.fill === 'close') {
      markEquity(i, k);
      act(decision, candles.close[k], candles.time[k] + settings.timeframeMs, k + 1);
      markEquity(k, k + 1);
    } else {
      markEquity(i, k + 1);
      if (k + 1 < n) pending = decision;
    }
    i = k + 1;
  }
  if (position && !cancelled && n > 0)
    closeAtMarket(candles.close[n - 1], candles.time[n - 1] + settings.timeframeMs, 'end');
  logs.push(...runner.logs());
  return { trades, equity, exposedCandles, finalBalance: cash, cancelled, logs };
}
