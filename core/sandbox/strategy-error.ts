import type { SandboxLimits } from './limits';
import { COLLECTION_FULL } from './prelude-lockdown';

const MAX_MESSAGE = 1000;

/** A strategy that failed: its own error, a timeout, or its memory limit. Carries the line in the user's code. */
export class StrategyError extends Error {
  readonly line: number | null;
  readonly column: number | null;

  constructor(message: string, line?: number, column?: number) {
    super(message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message);
    this.name = 'StrategyError';
    this.line = line ?? null;
    this.column = column ?? null;
  }

  toJSON(): { message: string; line: number | null; column: number | null } {
    return { message: this.message, line: this.line, column: this.column };
  }
}

function memoryExceeded(limits: SandboxLimits, line?: number, column?: number): StrategyError {
  return new StrategyError(`La stratégie a dépassé sa limite de mémoire (${limits.memoryMb} Mo).`, line, column);
}

export function budgetExceeded(limits: SandboxLimits): StrategyError {
  return new StrategyError(
    `La stratégie a dépassé son budget de calcul (${limits.budgetMs} ms ${limits.scope ?? 'pour cette exécution'}).`,
  );
}

/**
 * The failure an engine entry answered inside the isolate: `fail|name|line|column|message`, all read there by the
 * prelude (the host never reads a property of anything the strategy made).
 */
export function strategyFailure(answer: string, limits: SandboxLimits): StrategyError {
  const fields: string[] = [];
  let at = 0;
  for (let k = 0; k < 4; k++) {
    const bar = answer.indexOf('|', at);
    if (bar < 0) return new StrategyError('La stratégie a échoué.');
    fields.push(answer.slice(at, bar));
    at = bar + 1;
  }
  const [, name, line, column] = fields;
  const message = answer.slice(at);
  // An ArrayBuffer refused by the isolate's allocator is the memory limit, reached inside the strategy.
  if (name === 'RangeError' && message === 'Array buffer allocation failed') return memoryExceeded(limits);
  // A Map, Set or weak collection at its bound (prelude-lockdown.ts), which stands for the memory limit.
  if (name === 'RangeError' && message.startsWith(COLLECTION_FULL)) {
    return memoryExceeded(limits, line ? Number(line) : undefined, column ? Number(column) : undefined);
  }
  const kind = name && name !== 'Error' ? `${name} : ` : '';
  return new StrategyError(`${kind}${message}`, line ? Number(line) : undefined, column ? Number(column) : undefined);
}

/**
 * What isolated-vm itself threw around a call (never a value of the strategy's: those come back as answers):
 * the isolate disposed on its memory limit, a call stopped on its time limit or on what was left of the budget.
 */
export function sandboxFailure(
  error: unknown,
  limits: SandboxLimits,
  disposed: boolean,
  timeoutWasBudget: boolean,
): StrategyError {
  if (error instanceof StrategyError) return error;
  const message = typeof error === 'object' && error !== null ? describeHostError(error) : '';
  if (disposed || /memory limit/i.test(message)) return memoryExceeded(limits);
  if (/timed out/i.test(message)) {
    return timeoutWasBudget
      ? budgetExceeded(limits)
      : new StrategyError(`La stratégie a dépassé son temps de calcul (${limits.timeoutMs} ms par appel).`);
  }
  return new StrategyError(`Le bac à sable de la stratégie a échoué : ${message || 'erreur inconnue'}`);
}

/** isolated-vm's errors are made in the host's main realm (not a test runner's): read the field, not instanceof. */
function describeHostError(error: object): string {
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' ? message : '';
}
