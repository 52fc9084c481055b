import type { Decision, StrategyState } from '../sandbox/strategy-runner';

/** What decides: the sandboxed StrategyRunner, in backtests and live alike. */
export interface DecisionSource {
  run(from: number, to: number, state: StrategyState): Decision;
}

/** A decision that opens a position ('entry', or 'reverse' whose opening leg it describes). */
export type EntryDecision = Extract<Decision, { side: 'long' | 'short' }>;

/**
 * A reversal (shouldShort while long in futures, or the reverse) is a close followed by the entry the now flat
 * strategy takes on the same candle. The isolate answers a reversal with a size computed while the old position
 * still held the balance, so once the closing leg has filled the strategy is asked again, with the balance after
 * that close: a strategy that sizes `this.balance * 0.95` then opens a full-size position instead of dust.
 * Returns null when the flat strategy would not enter (the reversal then only closes).
 */
export function entryAfterClose(source: DecisionSource, i: number, flat: StrategyState): EntryDecision | null {
  const decision = source.run(i, i + 1, flat);
  return decision.kind === 'entry' ? decision : null;
}
