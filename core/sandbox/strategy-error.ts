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

const WHERE = /strategy\.js:(\d+):(\d+)/;

/** Turns whatever an isolate threw into a StrategyError pointing at the user's line when the stack names one. */
export function strategyErrorFrom(
  error: unknown,
  limits: { memoryMb: number; timeoutMs: number },
  disposed: boolean,
): StrategyError {
  if (error instanceof StrategyError) return error;
  // Errors from the isolate are made in the host's main realm, which under a test runner is not this one's: read
  // their fields rather than rely on instanceof.
  const raw =
    typeof error === 'object' && error !== null && 'message' in error
      ? (error as { name?: string; message: string; stack?: string })
      : { name: 'Error', message: String(error), stack: '' };
  if (disposed || /memory limit/i.test(raw.message)) {
    return new StrategyError(`La stratégie a dépassé sa limite de mémoire (${limits.memoryMb} Mo).`);
  }
  if (/timed out/i.test(raw.message)) {
    return new StrategyError(`La stratégie a dépassé son temps de calcul (${limits.timeoutMs} ms par appel).`);
  }
  const where = WHERE.exec(`${raw.message}\n${raw.stack ?? ''}`);
  const message = raw.message.replace(/\s*\[strategy\.js:\d+:\d+\]$/, '');
  const kind = raw.name && raw.name !== 'Error' ? `${raw.name} : ` : '';
  return new StrategyError(
    `${kind}${message}`,
    where ? Number(where[1]) : undefined,
    where ? Number(where[2]) : undefined,
  );
}
