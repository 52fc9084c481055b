import ivm from 'isolated-vm';
import { computeIndicator, INDICATORS } from '../indicators/ta';
import { PRELUDE } from './prelude';
import { StrategyError, strategyErrorFrom } from './strategy-error';
import { readStrategySource } from './strategy-source';

export interface SandboxLimits {
  memoryMb: number;
  /** CPU budget of one call into the isolate; a call never spans more than a slice of candles (see sliceMs). */
  timeoutMs: number;
}

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

function parseDecision(answer: unknown, from: number, to: number): Decision {
  if (typeof answer !== 'string' || answer.length > 200) throw new StrategyError(INVALID);
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

/**
 * One user strategy in its own isolate. The same runner serves backtests (cursor walking the history in slices)
 * and live trading (cursor on the candle that just closed): load candles, start, then run over a range.
 */
export class StrategyRunner {
  /** Missing decision methods (inherited from the base class), for the validation endpoint. */
  readonly missing: string[];
  readonly typescript: boolean;
  private disposed = false;
  private readonly functions = new Map<string, ivm.Reference<(...args: unknown[]) => unknown>>();

  private constructor(
    private readonly isolate: ivm.Isolate,
    /** Host copies of every series the isolate can name: the candle columns (ids 0–5), then indicator outputs. */
    private readonly series: Float64Array[],
    private readonly engine: ivm.Reference<Record<string, unknown>>,
    private readonly limits: SandboxLimits,
    missing: string[],
    typescript: boolean,
  ) {
    this.missing = missing;
    this.typescript = typescript;
  }

  static create(code: string, limits: SandboxLimits): StrategyRunner {
    const isolate = new ivm.Isolate({ memoryLimit: limits.memoryMb });
    try {
      const source = readStrategySource(code, (c) => compilesAsJavaScript(isolate, c));
      const context = isolate.createContextSync();
      const series: Float64Array[] = [];
      const ta = new ivm.Callback(
        (name: string, inputs: (number | number[])[], options: number[]) => {
          const plain = inputs.some((input) => typeof input !== 'number');
          const arrays = inputs.map((input) =>
            typeof input === 'number' ? series[input] : Float64Array.from(input as number[], Number),
          );
          if (arrays.some((array) => array === undefined)) throw new Error(`ta.${name} : série inconnue`);
          const data = computeIndicator(name, arrays, options);
          const ids = plain ? [] : data.map((output) => series.push(output) - 1);
          return { ids, data };
        },
        { sync: true },
      );
      context.global.setSync('__host', new ivm.ExternalCopy({ catalog: CATALOG }).copyInto());
      const host = context.global.getSync('__host', { reference: true }) as ivm.Reference<Record<string, unknown>>;
      host.setSync('ta', ta);
      const engine = isolate
        .compileScriptSync(PRELUDE, { filename: 'prelude.js' })
        .runSync(context, { reference: true, timeout: limits.timeoutMs }) as ivm.Reference<Record<string, unknown>>;
      context.global.deleteSync('__host');
      isolate.compileScriptSync(source.script, { filename: 'strategy.js' }).runSync(context, {
        timeout: limits.timeoutMs,
      });
      const userClass = context.evalSync(source.className, { reference: true, timeout: limits.timeoutMs });
      const define = engine.getSync('define', { reference: true }) as ivm.Reference<(...args: unknown[]) => unknown>;
      const missing = define.applySync(undefined, [userClass.derefInto()], {
        result: { copy: true },
        timeout: limits.timeoutMs,
      }) as string[];
      return new StrategyRunner(isolate, series, engine, limits, missing, source.typescript);
    } catch (error) {
      const failure = strategyErrorFrom(error, limits, isolate.isDisposed);
      if (!isolate.isDisposed) isolate.dispose();
      throw failure;
    }
  }

  private call(name: string, args: unknown[]): unknown {
    if (this.disposed) throw new StrategyError('La stratégie a été arrêtée.');
    try {
      let fn = this.functions.get(name);
      if (fn === undefined) {
        fn = this.engine.getSync(name, { reference: true }) as ivm.Reference<(...a: unknown[]) => unknown>;
        this.functions.set(name, fn);
      }
      return fn.applySync(undefined, args, {
        arguments: { copy: true },
        result: { copy: true },
        timeout: this.limits.timeoutMs,
      });
    } catch (error) {
      const failure = strategyErrorFrom(error, this.limits, this.isolate.isDisposed);
      this.dispose();
      throw failure;
    }
  }

  /** Copies the candle columns into the isolate (their buffers, not views of larger ones) and resets the cursor. */
  load(columns: CandleColumns): void {
    this.series.length = 0;
    const buffers: Record<string, ArrayBuffer> = {};
    for (const name of COLUMNS) {
      const column = columns[name];
      const own = column.byteOffset === 0 && column.byteLength === column.buffer.byteLength ? column : column.slice();
      this.series.push(own);
      buffers[name] = own.buffer as ArrayBuffer;
    }
    this.call('load', [buffers]);
  }

  /** Creates the strategy instance and runs its init() with nothing visible yet (cursor before the first candle). */
  start(balance: number, market: 'spot' | 'futures'): void {
    this.call('start', [balance, market]);
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
    return this.call('logs', []) as string[];
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
