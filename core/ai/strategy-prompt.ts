import { INDICATORS } from '../indicators/ta';
import { EXAMPLE_STRATEGY } from '../sandbox/templates';
import type { ChatMessage } from './ai-client';

/** One line per indicator, the way a strategy calls it: `ta.macd(real; short period, …) → macd, macd_signal, …`. */
function indicatorCatalogue(): string {
  return Object.values(INDICATORS)
    .map(
      (i) =>
        `- ${i.name}(${i.inputs.join(', ')}; ${i.options.join(', ') || '—'}) → ${i.outputs.join(', ')}: ${i.fullName}`,
    )
    .join('\n');
}

/**
 * What the model must know to write code our sandbox accepts: the contract of ARCHITECTURE.md, the `ta` calling
 * conventions of the prelude, and what the sandbox forbids. The engine's rules are stated so that sizes and stops
 * come back in the units the engine reads.
 */
export function strategySystemPrompt(): string {
  return `You write trading strategies for Aristobot, in plain JavaScript (no imports, no exports, no TypeScript types).

CONTRACT
- Exactly one top-level class that extends \`Strategy\` (the base class is provided; do not define it).
- It must define all five decision methods, called on the close of each candle:
  shouldLong() → true/false (open a long position; only asked when no position is open)
  shouldShort() → true/false (spot: sell signal that closes the open long; futures: opens a short, or reverses a long)
  calculatePositionSize() → amount to commit, in the quote currency (e.g. USDT), a number ≥ 0 such as this.balance * 0.1
  calculateStopLoss() → stop-loss distance as a fraction of the entry price (0.02 = 2 %), 0 for none
  calculateTakeProfit() → take-profit distance as a fraction of the entry price (0.04 = 4 %), 0 for none
- Optional init(): called once before the first candle; compute indicators there and keep them on \`this\`.
- this.candles.open / high / low / close / volume / time are series ending at the candle that just closed:
  series.at(-1) is the last value, series.at(-2) the one before, series.length the number of candles so far,
  series.current and series.previous are shortcuts, series.toArray(n) copies the last n values. Later candles
  cannot be read. this.candles.length is the number of closed candles.
- this.balance is the free balance in the quote currency; this.position is null or
  { side: 'long' | 'short', entryPrice, quantity, entryTime, stopLoss, takeProfit }.
- Helpers: crossedAbove(a, b) and crossedBelow(a, b) compare the last two values of two series (or a series and a
  number). console.log(...) writes to the strategy's log.
- Indicators (Tulip Indicators through \`ta\`), computed once over the whole history and returned as series like the
  candles: ta.ema(this.candles.close, 10), ta.rsi(this.candles.close, 14), ta.atr(this.candles.high,
  this.candles.low, this.candles.close, 14). Inputs come first, then the options in the listed order (or one
  object: ta.stoch(this.candles, { '%k period': 14, '%k slowing period': 3, '%d period': 3 })); passing
  this.candles fills the inputs from the candles (real = close). An indicator with several outputs returns an object
  keyed by the output names: ta.macd(this.candles.close, 12, 26, 9).macd_signal,
  ta.bbands(this.candles.close, 20, 2).bbands_upper. Values during the warm-up are NaN: check this.candles.length
  before relying on an indicator.
- The sandbox has no require, import, process, fetch, timers, file system or network, and each call has a time
  limit: keep per-candle work small.

AVAILABLE INDICATORS (name(inputs; options) → outputs)
${indicatorCatalogue()}

EXAMPLE
\`\`\`javascript
${EXAMPLE_STRATEGY.trim()}
\`\`\`

ANSWER
Reply with one \`\`\`javascript code block holding the complete strategy, then at most three short sentences on what
it does, in the language of the request. Comments in the code are in the same language.`;
}

/** The user's request, with the editor's current code when there is some to change. */
export function strategyRequest(prompt: string, currentCode: string | undefined): ChatMessage[] {
  const code = currentCode?.trim();
  const content = code
    ? `${prompt.trim()}\n\nCurrent code in the editor (modify it when the request is about it):\n\`\`\`javascript\n${code}\n\`\`\``
    : prompt.trim();
  return [
    { role: 'system', content: strategySystemPrompt() },
    { role: 'user', content },
  ];
}

/** Sent back when the sandbox refused the proposal, so the model corrects its own code once. */
export function repairRequest(error: { message: string; line: number | null }): ChatMessage {
  const where = error.line ? ` (line ${error.line})` : '';
  return {
    role: 'user',
    content: `The sandbox rejected this code: ${error.message}${where}. Send the complete corrected strategy in one javascript code block.`,
  };
}

export interface ExtractedCode {
  code: string;
  explanation: string;
}

const FENCE = /```[ \t]*([\w+-]*)[^\n]*\n([\s\S]*?)```/g;

/**
 * The strategy inside a model's reply: the fenced block that declares a class extending Strategy (or else the
 * longest block); a reply without fences counts as code when it declares the class. The rest is the explanation.
 */
export function extractCode(reply: string): ExtractedCode | null {
  const blocks = [...reply.matchAll(FENCE)].map((m) => ({ whole: m[0], body: m[2].trim() }));
  const declares = (text: string) => /class\s+[\w$]+\s+extends\s+Strategy\b/.test(text);
  const chosen =
    blocks.find((b) => declares(b.body)) ?? [...blocks].sort((a, b) => b.body.length - a.body.length)[0] ?? null;
  if (chosen) {
    const explanation = reply.replace(chosen.whole, '').trim();
    return { code: `${chosen.body}\n`, explanation: explanation.slice(0, 2000) };
  }
  const start = reply.search(/class\s+[\w$]+\s+extends\s+Strategy\b/);
  if (start < 0) return null;
  return { code: `${reply.slice(start).trim()}\n`, explanation: reply.slice(0, start).trim().slice(0, 2000) };
}
