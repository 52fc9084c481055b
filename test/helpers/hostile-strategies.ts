/** Runs hostile strategies the way a validation does and measures what they cost the process (time, peak memory). */
import { readFileSync, writeFileSync } from 'node:fs';
import { simulate } from '../../core/backtest/engine';
import type { SandboxLimits } from '../../core/sandbox/limits';
import { StrategyError } from '../../core/sandbox/strategy-error';
import { COLUMNS, StrategyRunner, type CandleColumns } from '../../core/sandbox/strategy-runner';

/** Small limits so that a hostile case costs the suite about a second at most. */
export const HOSTILE_LIMITS: SandboxLimits = { memoryMb: 32, timeoutMs: 250, budgetMs: 800, scope: 'pour ce test' };
/** Wall time a case may take beyond its budget (isolate creation, teardown, a loaded machine). */
export const MARGIN_MS = 2000;
/** Growth of the process's resident memory, at its peak during the case, that still counts as healthy. */
export const RSS_BOUND_MB = 100;

export function hostileCandles(n: number): CandleColumns {
  const out = Object.fromEntries(COLUMNS.map((c) => [c, new Float64Array(n)])) as CandleColumns;
  for (let i = 0; i < n; i++) {
    const price = 100 + 10 * Math.sin(i / 8);
    out.open[i] = price - 0.5;
    out.high[i] = price + 1;
    out.low[i] = price - 1;
    out.close[i] = price;
    out.volume[i] = 1 + i;
    out.time[i] = 1_600_000_000_000 + i * 60_000;
  }
  return out;
}

type Method =
  'init' | 'shouldLong' | 'shouldShort' | 'calculatePositionSize' | 'calculateStopLoss' | 'calculateTakeProfit';

/** A strategy class whose methods are plain (never trades) except the bodies given; `top` runs before the class. */
export function hostile(bodies: Partial<Record<Method, string>>, extra = '', top = ''): string {
  const plain: Record<Method, string> = {
    init: '',
    shouldLong: 'return false;',
    shouldShort: 'return false;',
    calculatePositionSize: 'return 10;',
    calculateStopLoss: 'return 0;',
    calculateTakeProfit: 'return 0;',
  };
  const methods = Object.entries({ ...plain, ...bodies }).map(([name, body]) => `  ${name}() { ${body} }`);
  return [top, 'class Hostile extends Strategy {', extra, ...methods, '}'].join('\n');
}

/** Peak resident memory since the last reset, in MiB (Linux: VmHWM, reset by writing 5 to clear_refs). */
function peakMb(): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) / 1024 : process.memoryUsage().rss / 1024 / 1024;
}

export interface Outcome {
  error: StrategyError | null;
  logs: string[];
  trades: number;
  ms: number;
  /** Peak RSS growth during the case. */
  grewMb: number;
}

/**
 * Runs a strategy the way a validation does (create, load, a simulation over `candles`, logs) and measures the
 * wall time and the peak memory of the whole case.
 */
export async function probe(
  code: string,
  options: { candles?: number; market?: 'spot' | 'futures'; limits?: SandboxLimits } = {},
): Promise<Outcome> {
  const limits = options.limits ?? HOSTILE_LIMITS;
  const data = hostileCandles(options.candles ?? 50);
  const before = process.memoryUsage().rss / 1024 / 1024;
  writeFileSync('/proc/self/clear_refs', '5');
  const started = performance.now();
  let runner: StrategyRunner | undefined;
  const outcome: Outcome = { error: null, logs: [], trades: 0, ms: 0, grewMb: 0 };
  try {
    runner = StrategyRunner.create(code, limits);
    runner.load(data);
    const run = await simulate(
      runner,
      data,
      {
        initialAmount: '1000',
        fee: '0.001',
        slippage: '0',
        fill: 'close',
        market: options.market ?? 'spot',
        timeframeMs: 60_000,
      },
      { checkpoint: () => false },
    );
    outcome.logs = run.logs.map((line) => line.replace(/^log /, ''));
    outcome.trades = run.trades.length;
  } catch (error) {
    if (!(error instanceof StrategyError)) throw error;
    outcome.error = error;
  } finally {
    runner?.dispose();
  }
  outcome.ms = performance.now() - started;
  outcome.grewMb = peakMb() - before;
  return outcome;
}

/** The case stopped with a StrategyError matching `message`, within its budget plus the margin, memory bounded. */
export function expectContained(outcome: Outcome, message: string | RegExp, limits = HOSTILE_LIMITS): void {
  expect(outcome.error?.message).toMatch(message);
  expectHealthy(outcome, limits);
}

export function expectHealthy(outcome: Outcome, limits = HOSTILE_LIMITS): void {
  expect(outcome.ms).toBeLessThan(limits.budgetMs + MARGIN_MS);
  expect(outcome.grewMb).toBeLessThan(RSS_BOUND_MB);
}

export const TIME = /^La stratégie a dépassé son temps de calcul \(250 ms par appel\)\.$/;
export const BUDGET = /^La stratégie a dépassé son budget de calcul \(800 ms pour ce test\)\.$/;
export const MEMORY = /^La stratégie a dépassé sa limite de mémoire \(32 Mo\)/;
/** A loop is stopped by the per-call limit, or by the budget when less than a call's time is left. */
export const TIME_OR_BUDGET = new RegExp(`${TIME.source}|${BUDGET.source}`);
/** A bomb that may reach the memory limit or, collecting garbage first, the time limit: contained either way. */
export const STOPPED = new RegExp(`${MEMORY.source}|${TIME.source}`);

const hostileClass = (top: string, shouldLong: string) => `${top}
class Hostile extends Strategy {
  shouldLong() { ${shouldLong} }
  shouldShort() { return false; }
  calculatePositionSize() { return 10; }
  calculateStopLoss() { return 0; }
  calculateTakeProfit() { return 0; }
}`;

/**
 * Four strategies that each spend their whole validation budget: in one endless call (at the top level, in a
 * method, in reading what it threw), or in many calls just under the per-call limit.
 */
export const BUDGET_BURNERS = [
  hostileClass('for (;;) {}', 'return false;'),
  hostileClass('', 'for (;;) {}'),
  hostileClass('', 'for (let k = 0; k < 3e7; k++) Math.sqrt(k); return false;'),
  hostileClass('', 'throw { get message() { for (;;) {} } };'),
];
