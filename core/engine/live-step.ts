import type { StrategyState } from '../sandbox/strategy-runner';
import { marketExit, type Costs } from './exits';
import type { Position } from './position';
import { PositionBook } from './position-book';
import { entryAfterClose, type DecisionSource, type EntryDecision } from './reversal';

/** What a strategy decided on one close: whether to close its position, and the entry to open after (or none). */
export interface CloseDecision {
  exit: boolean;
  entry: EntryDecision | null;
}

/** The engine's position from what the strategy sees of it (the live side keeps it in `positions`). */
function positionOf(state: StrategyState): Position | null {
  const p = state.position;
  if (!p) return null;
  const cost = p.entryPrice * p.quantity;
  return {
    side: p.side,
    entry: { price: p.entryPrice, amount: p.quantity, cost, fee: 0, role: 'taker' },
    entryTime: p.entryTime,
    stop: p.stopLoss,
    target: p.takeProfit,
  };
}

/**
 * The decision on the close of candle `i`, read as the backtest reads it there: an exit closes, an entry opens, a
 * reversal closes and then asks the now flat strategy again with the balance that close would leave (the exit
 * filled at the close, slippage and fee included — what the backtest's PositionBook computes), so that a strategy
 * sizing from `this.balance` opens a full position on the other side.
 */
export function decideOnClose(
  source: DecisionSource,
  i: number,
  state: StrategyState,
  close: number,
  costs: Costs,
): CloseDecision {
  const decision = source.run(i, i + 1, state);
  if (decision.kind === 'none') return { exit: false, entry: null };
  if (decision.kind === 'entry') return { exit: false, entry: state.position ? null : decision };
  const position = positionOf(state);
  if (!position) return { exit: false, entry: decision.kind === 'reverse' ? decision : null };
  if (decision.kind === 'exit') return { exit: true, entry: null };
  const book = new PositionBook(state.balance);
  book.position = position;
  book.close(marketExit(position, close, costs), 0, 'signal');
  return { exit: true, entry: entryAfterClose(source, i, book.state()) };
}
