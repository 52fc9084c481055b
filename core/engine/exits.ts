import { floatFills, type FeesOf } from '../trading/fill-model';
import type { ExitReason, Fill, Position, Side } from './position';

/** What trading costs: fee rates per role, and the slippage a market order suffers (fractions). */
export interface Costs {
  fees: FeesOf<number>;
  slippage: number;
}

/** Stop-loss and take-profit prices from fractions of the entry price (0: none), below and above for a long. */
export function exitLevels(
  side: Side,
  entryPrice: number,
  stopLoss: number,
  takeProfit: number,
): { stop: number | null; target: number | null } {
  const sign = side === 'long' ? 1 : -1;
  return {
    stop: stopLoss > 0 ? entryPrice * (1 - sign * stopLoss) : null,
    target: takeProfit > 0 ? entryPrice * (1 + sign * takeProfit) : null,
  };
}

/** Whether a price range (a candle's low and high, or the last price for both) touches the stop or the target. */
export function touches(p: Position, low: number, high: number): boolean {
  if (p.side === 'long') return (p.stop !== null && low <= p.stop) || (p.target !== null && high >= p.target);
  return (p.stop !== null && high >= p.stop) || (p.target !== null && low <= p.target);
}

/**
 * The exit a price range forces, or null: the stop is taken first when both levels are touched (the range does not
 * say which came first, and assuming the worse keeps backtests honest); a stop is a market order at its price, or
 * at the open when the price gapped through it; a target is a resting limit order filled at its own price.
 */
export function rangeExit(
  p: Position,
  open: number,
  low: number,
  high: number,
  costs: Costs,
): { fill: Fill; reason: ExitReason } | null {
  const long = p.side === 'long';
  const closing = long ? 'sell' : 'buy';
  if (p.stop !== null && (long ? low <= p.stop : high >= p.stop)) {
    const price = long ? Math.min(open, p.stop) : Math.max(open, p.stop);
    return {
      fill: floatFills.marketFill(closing, p.entry.amount, price, costs.fees, costs.slippage),
      reason: 'stop_loss',
    };
  }
  if (p.target === null) return null;
  const fill = floatFills.limitFill(
    { side: closing, amount: p.entry.amount, price: p.target },
    { low, high },
    costs.fees,
  );
  return fill && { fill, reason: 'take_profit' };
}

/** A market exit of the whole position at `price` (a signal, the end of the data). */
export function marketExit(p: Position, price: number, costs: Costs): Fill {
  return floatFills.marketFill(p.side === 'long' ? 'sell' : 'buy', p.entry.amount, price, costs.fees, costs.slippage);
}

const FIRST_WINDOW = 16;
const LARGEST_WINDOW = 65536;

/**
 * Finds the first candle whose range touches a position's stop or target, scanning lazily in windows that double
 * (most positions end early, a few last for months): the driver asks again each time it gets past what was scanned.
 */
export class TouchScan {
  private hitAt: number | null = null;
  private scanned: number;
  private window = FIRST_WINDOW;

  /** `checkFrom`: the first candle that can touch (the entry candle itself when filled at its open). */
  constructor(
    private readonly p: Position,
    private readonly checkFrom: number,
  ) {
    this.scanned = checkFrom;
  }

  /** The touching candle, or the first candle not scanned yet (at least `from`, at most `low.length`). */
  next(low: Float64Array, high: Float64Array, from: number): number {
    if (this.hitAt !== null) return this.hitAt;
    const n = low.length;
    const p = this.p;
    if (p.stop === null && p.target === null) return n;
    const long = p.side === 'long';
    const stop = p.stop ?? (long ? -Infinity : Infinity);
    const target = p.target ?? (long ? Infinity : -Infinity);
    const limit = Math.min(n, Math.max(from, this.scanned) + this.window);
    this.window = Math.min(this.window * 2, LARGEST_WINDOW);
    for (let j = Math.max(this.checkFrom, this.scanned); j < limit; j++) {
      if (long ? low[j] <= stop || high[j] >= target : high[j] >= stop || low[j] <= target) {
        this.hitAt = j;
        return j;
      }
    }
    this.scanned = limit;
    return limit;
  }
}
