import { marketExit, rangeExit, TouchScan, type Costs } from '../engine/exits';
import type { ExitReason, Fill, RoundTrip } from '../engine/position';
import { PositionBook } from '../engine/position-book';
import { entryAfterClose, type EntryDecision } from '../engine/reversal';
import { DEFAULT_AMOUNT_RULES, entryQuantity, sizingOf, type AmountRules } from '../engine/sizing';
import { checkParamValues, type ParamValues } from '../sandbox/strategy-params';
import type { CandleColumns, Decision, StrategyRunner } from '../sandbox/strategy-runner';
import { floatFills } from '../trading/fill-model';

export type { ExitReason } from '../engine/position';
export type { AmountRules } from '../engine/sizing';

export interface SimulationSettings {
  initialAmount: string;
  /** Fee rate charged on each leg ('0.001' = 0.1 %), maker and taker alike. */
  fee: string;
  slippage: string;
  /** Where a signal on the close of candle i fills: that close, or the open of candle i+1. */
  fill: 'close' | 'next_open';
  market: 'spot' | 'futures';
  timeframeMs: number;
  /** The market's amount step and minimums, applied to every entry as live trading does (default: 1e-8, none). */
  marketRules?: AmountRules;
  /** The strategy's parameters for this run (`this.params`), checked against its declarations; defaults for the rest. */
  params?: ParamValues;
}

/** Simulated in float64 (see fill-model.ts); turned into decimal strings when stored. */
export type SimulatedTrade = RoundTrip;

export interface SimulationHooks {
  /** Called between slices (≈100 ms of strategy time at most): report progress, return true to stop. */
  checkpoint(done: number, total: number): Promise<boolean> | boolean;
}

export interface Simulation {
  trades: SimulatedTrade[];
  /**
   * Equity at each candle's close (cash + open position marked at the close); the last point is the balance after
   * the end-of-data exit, so it equals `finalBalance` and the last trade's `balanceAfter`.
   */
  equity: Float64Array;
  /** Candles during which a position was open. */
  exposedCandles: number;
  finalBalance: number;
  cancelled: boolean;
  logs: string[];
}

/**
 * The engine (core/engine) driven by a historical clock and simulated fills. Rules:
 * - a signal is read on the close of candle i; it fills at close[i] or open[i+1] (`fill`), market orders moved
 *   against us by the slippage, fee on both legs;
 * - the position size is an amount of quote currency (capped at the free balance), rounded down to the market's
 *   amount step, refused under its minimum quantity or notional; 1× exposure in futures;
 * - stop-loss and take-profit are fractions from the entry price, checked against the high/low of each later
 *   candle (and of the entry candle when filled at its open); the stop is taken first when both are touched;
 *   a stop fills at its price or the candle's open if it gapped through, a target at its own price;
 * - an opposite signal closes the position (spot: shouldShort while long); in futures the strategy, now flat, is
 *   asked again on the same candle with the balance after the close, and its entry opens the other side;
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
  const costs: Costs = { fees: { makerFee: feeRate, takerFee: feeRate }, slippage };
  const sizing = sizingOf(settings.marketRules ?? DEFAULT_AMOUNT_RULES);
  const equity = new Float64Array(n);
  const trades: SimulatedTrade[] = [];
  const book = new PositionBook(Number(settings.initialAmount));
  let scan = null as TouchScan | null;
  let pending = null as Decision | null;
  let exposedCandles = 0;

  const close = (exit: Fill, time: number, reason: ExitReason) => {
    trades.push(book.close(exit, time, reason));
    scan = null;
  };

  const open = (d: EntryDecision, price: number, time: number, checkFrom: number) => {
    const side = d.side === 'long' ? 'buy' : 'sell';
    const expected = price * (side === 'buy' ? 1 + slippage : 1 - slippage);
    const { quantity } = entryQuantity(d.size, book.cash, expected, feeRate, sizing);
    if (quantity === 0) return;
    const entry = floatFills.marketFill(side, quantity, price, costs.fees, slippage);
    scan = new TouchScan(book.open(d.side, entry, time, d.stopLoss, d.takeProfit), checkFrom);
  };

  /** Carries out a decision taken on the close of candle d.i, filled at `price`. */
  const act = (d: Decision, price: number, time: number, checkFrom: number) => {
    if (d.kind === 'none') return;
    if (d.kind !== 'entry' && book.position) close(marketExit(book.position, price, costs), time, 'signal');
    const entry = d.kind === 'reverse' ? entryAfterClose(runner, d.i, book.state()) : d.kind === 'entry' ? d : null;
    if (entry) open(entry, price, time, checkFrom);
  };

  const markEquity = (from: number, to: number) => {
    book.markInto(equity, candles.close, from, to);
    if (book.position) exposedCandles += to - from;
  };

  runner.start(book.cash, settings.market, checkParamValues(runner.params, settings.params));
  let i = 0;
  let cancelled = false;
  while (i < n) {
    if (pending) {
      act(pending, candles.open[i], candles.time[i], i);
      pending = null;
    }
    if (scan && scan.next(candles.low, candles.high, i) === i) {
      const exit = rangeExit(book.position!, candles.open[i], candles.low[i], candles.high[i], costs);
      if (exit) close(exit.fill, candles.time[i], exit.reason);
    }
    const end = scan ? Math.max(scan.next(candles.low, candles.high, i), i + 1) : n;
    const decision = runner.run(i, end, book.state());
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
  if (book.position && !cancelled && n > 0) {
    close(marketExit(book.position, candles.close[n - 1], costs), candles.time[n - 1] + settings.timeframeMs, 'end');
    equity[n - 1] = book.cash;
  }
  return { trades, equity, exposedCandles, finalBalance: book.cash, cancelled, logs: runner.logs() };
}
