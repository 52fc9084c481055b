import type { StrategyState } from '../sandbox/strategy-runner';
import { exitLevels } from './exits';
import type { ExitReason, Fill, Position, RoundTrip, Side } from './position';

/**
 * The cash and the one open position of a strategy, moved only by fills. A short is held at 1× like a long: its
 * entry locks cost + fee, and closing returns the entry cost plus what the price fell, less the exit fee.
 */
export class PositionBook {
  position: Position | null = null;

  constructor(public cash: number) {}

  /** Opens from an entry fill; `stopLoss` and `takeProfit` are fractions of the fill price (0: none). */
  open(side: Side, entry: Fill, time: number, stopLoss: number, takeProfit: number): Position {
    this.cash -= entry.cost + entry.fee;
    const { stop, target } = exitLevels(side, entry.price, stopLoss, takeProfit);
    this.position = { side, entry, entryTime: time, stop, target };
    return this.position;
  }

  /** Closes the open position with an exit fill for its whole quantity. */
  close(exit: Fill, time: number, reason: ExitReason): RoundTrip {
    const p = this.position;
    if (p === null) throw new Error('no open position to close');
    const entryCost = p.entry.cost;
    const long = p.side === 'long';
    this.cash += (long ? exit.cost : 2 * entryCost - exit.cost) - exit.fee;
    const gross = long ? exit.cost - entryCost : entryCost - exit.cost;
    const fees = p.entry.fee + exit.fee;
    this.position = null;
    return {
      side: p.side,
      entryTime: p.entryTime,
      exitTime: time,
      entryPrice: p.entry.price,
      exitPrice: exit.price,
      quantity: p.entry.amount,
      fees,
      pnl: gross - fees,
      balanceAfter: this.cash,
      exitReason: reason,
    };
  }

  /** What the strategy sees: the free balance and the open position. */
  state(): StrategyState {
    const p = this.position;
    return {
      balance: this.cash,
      position: p && {
        side: p.side,
        entryPrice: p.entry.price,
        quantity: p.entry.amount,
        entryTime: p.entryTime,
        stopLoss: p.stop,
        takeProfit: p.target,
      },
    };
  }

  /** Cash plus the open position marked at `price`, before the exit's slippage and fee. */
  equityAt(price: number): number {
    const p = this.position;
    if (p === null) return this.cash;
    const value = p.entry.amount * price;
    return this.cash + (p.side === 'long' ? value : 2 * p.entry.cost - value);
  }

  /** equityAt() of each close from..to-1 into `out` (the backtest's equity curve). */
  markInto(out: Float64Array, closes: Float64Array, from: number, to: number): void {
    const p = this.position;
    if (p === null) {
      out.fill(this.cash, from, to);
      return;
    }
    const quantity = p.entry.amount;
    const base = p.side === 'long' ? this.cash : this.cash + 2 * p.entry.cost;
    const sign = p.side === 'long' ? 1 : -1;
    for (let j = from; j < to; j++) out[j] = base + sign * quantity * closes[j];
  }
}
