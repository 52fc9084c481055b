import ivm from 'isolated-vm';
import { computeIndicator, INDICATORS } from '../indicators/ta';
import type { SandboxLimits } from './limits';
import { PRELUDE } from './prelude';
import { budgetExceeded, sandboxFailure, StrategyError, strategyFailure } from './strategy-error';
import { parseParamSpecs, type ParamSpecs, type ParamValues } from './strategy-params';
import { readStrategySource } from './strategy-source';

export type { SandboxLimits } from './limits';

export const COLUMNS = ['open', 'high', 'low', 'close', 'volume', 'time'] as const;
export type CandleColumns = Record<(typeof COLUMNS)[number], Float64Array>;

export interface PositionState {
  side: 'long' | 'short';
  entryPrice: number;
  quantity: number;
  entryTime: number;
  stopLoss: number | null;
  takeProfit: number | null;
}

export interface StrategyState {
  /** Free quote balance. */
  balance: number;
  position: PositionState | null;
}

/** What the isolate may answer for one slice of candles: parsed and checked on the host, never trusted as is. */
export type Decision =
  | { kind: 'none'; next: number }
  | { kind: 'exit'; i: number }
  | {
      kind: 'entry' | 'reverse';
      side: 'long' | 'short';
      i: number;
      size: number;
      stopLoss: number;
      takeProfit: number;
    };

const INVALID = 'La stratégie a renvoyé une décision invalide.';

function index(text: string, from: number, to: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < from || value > to) throw new StrategyError(INVALID);
  return value;
}

function amount(text: string): number {
  const value = Number(text);
  if (text === '' || !Number.isFinite(value) || value < 0) throw new StrategyError(INVALID);
  return value;
}

function parseDecision(answer: string, from: number, to: number): Decision {
  if (answer.length > 200) throw new StrategyError(INVALID);
  const parts = answer.split('|');
  switch (parts[0]) {
    case 'none':
      if (parts.length === 2) return { kind: 'none', next: index(parts[1], from, to) };
      break;
    case 'exit':
      if (parts.length === 2) return { kind: 'exit', i: index(parts[1], from, to - 1) };
      break;
    case 'entry':
    case 'reverse':
      if (parts.length === 6 && (parts[2] === 'long' || parts[2] === 'short')) {
        return {
          kind: parts[0],
          i: index(parts[1], from, to - 1),
          side: parts[2],
          size: amount(parts[3]),
          stopLoss: amount(parts[4]),
          takeProfit: amount(parts[5]),
        };
      }
      break;
  }
  throw new StrategyError(INVALID);
}

const CATALOG = Object.fromEntries(
  Object.values(INDICATORS).map((spec) => [
    spec.name,
    { inputs: spec.inputs, options: spec.options, outputs: spec.outputs },
  ]),
);

/** Whether the code compiles as a plain script (then it runs as written, with the editor's line numbers). */
function compilesAsJavaScript(isolate: ivm.Isolate, code: string): boolean {
  try {
    isolate.compileScriptSync(code, { filename: 'strategy.js' }).release();
    return true;
  } catch {
    return false;
  }
}

type Entry = 'define' | 'load' | 'start' | 'run' | 'logs';
const ENTRIES: Entry[] = ['define', 'load', 'start', 'run', 'logs'];
type EntryRef = ivm.Reference<(...args: unknown[]) => unknown>;

/** What a runner spends outside its isolate's own clock, and the indicator floats the host keeps for it. */
interface Meter {
  hostMs: number;
  seriesFloats: number;
  /** The isolate's clock when the current budget began (a warm runner renews it for each evaluation). */
  cpuStartNs: bigint;
}

/** The time limit of the next call: the per-call limit, or what is left of the budget when that is less. */
function allowance(isolate: ivm.Isolate, meter: Meter, limits: SandboxLimits): number {
  const left = limits.budgetMs - Number(isolate.cpuTime - meter.cpuStartNs) / 1e6 - meter.hostMs;
  if (left < 1) throw budgetExceeded(limits);
  return Math.min(limits.timeoutMs, Math.floor(left));
}

/**
 * The indicator callback. The prelude sends only what it built (a name, series ids or Float64Arrays it filled,
 * numbers), and the host checks that again; series kept for the isolate are bounded by its own memory limit.
 */
function indicatorBridge(series: Float64Array[], meter: Meter, limits: SandboxLimits) {
  const maxFloats = (limits.memoryMb * 1024 * 1024) / 8;
  return (name: unknown, inputs: unknown, options: unknown) => {
    const started = performance.now();
    try {
      if (typeof name !== 'string' || !Array.isArray(inputs) || !Array.isArray(options)) {
        throw new Error('ta : appel invalide');
      }
      const byId = inputs.every((input) => typeof input === 'number');
      const arrays = inputs.map((input: unknown) =>
        typeof input === 'number'
          ? series[input]
          : ArrayBuffer.isView(input)
            ? Float64Array.from(input as unknown as ArrayLike<number>)
            : undefined,
      );
      if (arrays.some((array) => array === undefined)) throw new Error(`ta.${name} : série inconnue`);
      const data = computeIndicator(name, arrays as Float64Array[], options as number[]);
      if (!byId) return { ids: [], data };
      const floats = data.reduce((sum, output) => sum + output.length, 0);
      if (meter.seriesFloats + floats > maxFloats) {
        throw new Error(`ta.${name} : trop d'indicateurs calculés (limite de mémoire de ${limits.memoryMb} Mo)`);
      }
      meter.seriesFloats += floats;
      return { ids: data.map((output) => series.push(output) - 1), data };
    } finally {
      meter.hostMs += performance.now() - started;
    }
  };
}

/**
 * One user strategy in its own isolate. The same runner serves backtests (cursor walking the history in slices)
 * and live trading (cursor on the candle that just closed): load candles, start, then run over a range.
 *
 * Only primitives cross the boundary, both ways: the engine's entries answer strings the prelude built (decisions,
 * `ok|…`, or `fail|…` with the strategy's error read inside the isolate), so no getter, trap or toString of the
 * strategy ever runs outside a call's time limit. Every call is bounded by the per-call limit and by what is left
 * of the runner's CPU budget.
 */
export class StrategyRunner {
  readonly typescript: boolean;
  private missingMethods: string[] = [];
  private declaredParams: ParamSpecs = {};
  private disposed = false;

  private constructor(
    private readonly isolate: ivm.Isolate,
    /** Host copies of every series the isolate can name: the candle columns (ids 0–5), then indicator outputs. */
    private readonly series: Float64Array[],
    private readonly entries: Record<Entry, EntryRef>,
    private readonly limits: SandboxLimits,
    private readonly meter: Meter,
    typescript: boolean,
  ) {
    this.typescript = typescript;
  }

  static create(code: string, limits: SandboxLimits): StrategyRunner {
    const isolate = new ivm.Isolate({ memoryLimit: limits.memoryMb });
    const meter: Meter = { hostMs: 0, seriesFloats: 0, cpuStartNs: 0n };
    let runner: StrategyRunner | undefined;
    let timeout = limits.timeoutMs;
    try {
      const source = readStrategySource(code, (c) => compilesAsJavaScript(isolate, c));
      const context = isolate.createContextSync();
      const series: Float64Array[] = [];
      const ta = new ivm.Callback(indicatorBridge(series, meter, limits), { sync: true });
      context.global.setSync(
        '__host',
        new ivm.ExternalCopy({ catalog: CATALOG, memoryMb: limits.memoryMb }).copyInto(),
      );
      const host = context.global.getSync('__host', { reference: true }) as ivm.Reference<Record<string, unknown>>;
      host.setSync('ta', ta);
      timeout = allowance(isolate, meter, limits);
      const engine = isolate
        .compileScriptSync(PRELUDE, { filename: 'prelude.js' })
        .runSync(context, { reference: true, timeout }) as ivm.Reference<Record<string, unknown>>;
      context.global.deleteSync('__host');
      const entries = Object.fromEntries(
        ENTRIES.map((name) => [name, engine.getSync(name, { reference: true }) as EntryRef]),
      ) as Record<Entry, EntryRef>;
      runner = new StrategyRunner(isolate, series, entries, limits, meter, source.typescript);
      const answer = runner.call('define', [`${source.script}\n;${source.className}\n//# sourceURL=strategy.js`]);
      const [, missing = '', params = '{}'] = /^ok\|([^|]*)\|(.*)$/s.exec(answer) ?? [];
      runner.missingMethods = missing ? missing.split(',') : [];
      runner.declaredParams = parseParamSpecs(params);
      return runner;
    } catch (error) {
      if (runner) throw error;
      const failure = sandboxFailure(error, limits, isolate.isDisposed, timeout < limits.timeoutMs);
      if (!isolate.isDisposed) isolate.dispose();
      throw failure;
    }
  }

  /** Missing decision methods (inherited from the base class), for the validation endpoint. */
  get missing(): string[] {
    return this.missingMethods;
  }

  /** What the strategy declares in `static params` (checked on the host). */
  get params(): ParamSpecs {
    return this.declaredParams;
  }

  private call(name: Entry, args: unknown[]): string {
    if (this.disposed) throw new StrategyError('La stratégie a été arrêtée.');
    let timeout = this.limits.timeoutMs;
    try {
      timeout = allowance(this.isolate, this.meter, this.limits);
      const answer = this.entries[name].applySync(undefined, args, { arguments: { copy: true }, timeout });
      if (typeof answer !== 'string') throw new StrategyError(INVALID);
      if (answer.startsWith('fail|')) throw strategyFailure(answer, this.limits);
      return answer;
    } catch (error) {
      const failure = sandboxFailure(error, this.limits, this.isolate.isDisposed, timeout < this.limits.timeoutMs);
      this.dispose();
      throw failure;
    }
  }

  /** Copies the candle columns into the isolate (their buffers, not views of larger ones) and resets the cursor. */
  load(columns: CandleColumns): void {
    this.dropSeries();
    const buffers: Record<string, ArrayBuffer> = {};
    for (const name of COLUMNS) {
      const column = columns[name];
      const own = column.byteOffset === 0 && column.byteLength === column.buffer.byteLength ? column : column.slice();
      this.series.push(own);
      buffers[name] = own.buffer as ArrayBuffer;
    }
    this.call('load', [buffers]);
  }

  /**
   * Creates the strategy instance and runs its init() with nothing visible yet (cursor before the first candle);
   * `this.params` holds the given values over the declared defaults (checked by the caller: checkParamValues).
   */
  start(balance: number, market: 'spot' | 'futures', params: ParamValues = {}): void {
    this.call('start', [balance, market, JSON.stringify(params)]);
  }

  /**
   * Evaluates candles from..to-1 (closed ones) with a constant state and returns at the first decision that
   * changes it, or after about `sliceMs` of work so the caller can report progress, check for cancellation and
   * keep its event loop alive.
   */
  run(from: number, to: number, state: StrategyState, sliceMs = 100): Decision {
    const p = state.position;
    const answer = this.call('run', [
      from,
      to,
      Math.min(sliceMs, this.limits.timeoutMs / 2),
      state.balance,
      p ? p.side : null,
      p ? p.entryPrice : null,
      p ? p.quantity : null,
      p ? p.entryTime : null,
      p ? p.stopLoss : null,
      p ? p.takeProfit : null,
    ]);
    return parseDecision(answer, from, to);
  }

  /** The lines the strategy wrote with console.log since the last call (bounded in the isolate). */
  logs(): string[] {
    const lines: unknown = JSON.parse(this.call('logs', []).slice(3));
    return Array.isArray(lines) ? lines.filter((line): line is string => typeof line === 'string') : [];
  }

  /**
   * Starts a new budget: a runner kept warm between live evaluations gets the whole of it for each one, as a fresh
   * runner would.
   */
  renewBudget(): void {
    this.meter.hostMs = 0;
    this.meter.cpuStartNs = this.isolate.cpuTime;
  }

  /** Lets go of the host's copies of the candles and indicator series until the next load (a runner kept warm). */
  dropSeries(): void {
    this.series.length = 0;
    this.meter.seriesFloats = 0;
  }

  /** What the isolate holds now: V8's heap and the ArrayBuffers outside it. */
  heapBytes(): number {
    if (this.disposed) return 0;
    const heap = this.isolate.getHeapStatisticsSync();
    return heap.used_heap_size + heap.externally_allocated_size;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (!this.isolate.isDisposed) this.isolate.dispose();
  }

  get isDisposed(): boolean {
    return this.disposed;
  }
}
