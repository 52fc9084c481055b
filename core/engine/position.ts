import type { FillOf } from '../trading/fill-model';

export type Side = 'long' | 'short';
export type ExitReason = 'signal' | 'stop_loss' | 'take_profit' | 'end';
/** Engine money is float64 (see fill-model.ts); the live path turns it into decimal strings at its boundary. */
export type Fill = FillOf<number>;

/** A fill as the broker reports it (decimal strings) in the engine's numbers. */
export function fillOf(fill: FillOf<string>): Fill {
  return {
    price: Number(fill.price),
    amount: Number(fill.amount),
    cost: Number(fill.cost),
    fee: Number(fill.fee),
    role: fill.role,
  };
}

export interface Position {
  side: Side;
  entry: Fill;
  entryTime: number;
  /** Price levels (null when the strategy asked for none). */
  stop: number | null;
  target: number | null;
}

/** A closed position: entry and exit legs, fees of both, realised P&L after fees, the cash once closed. */
export interface RoundTrip {
  side: Side;
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
