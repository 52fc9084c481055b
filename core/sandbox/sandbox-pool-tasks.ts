import type { ExitReason, Simulation, SimulatedTrade, SimulationSettings } from '../backtest/engine';
import type { BacktestStats } from '../backtest/stats';
import type { Costs } from '../engine/exits';
import type { CloseDecision } from '../engine/live-step';
import type { SandboxLimits } from './limits';
import type { SandboxPool } from './sandbox-pool';
import { StrategyError } from './strategy-error';
import type { ParamSpecs } from './strategy-params';
import { COLUMNS, type CandleColumns, type StrategyState } from './strategy-runner';
import type { ValidationResult } from './validate';

export interface ValidateInput {
  code: string;
  limits: SandboxLimits;
}

export interface SimulateInput {
  code: string;
  limits: SandboxLimits;
  candles: CandleColumns;
  settings: SimulationSettings;
}

/**
 * One combination of a sweep. The child keeps the candles it was given under `candlesKey` and reuses them for the
 * next combinations: sent only when the child answers that it lacks them.
 */
export interface SweepRunInput {
  code: string;
  limits: SandboxLimits;
  settings: SimulationSettings;
  candlesKey: string;
  candles?: CandleColumns;
}

/** A sweep run's figures, computed in the child (the equity curve and trades stay there). */
export type SweepRunOutput =
  { missingCandles: true } | { missingCandles: false; cancelled: boolean; stats: BacktestStats; finalBalance: number };

/** One live evaluation: the closed candles up to the one that just closed (the last), and the strategy's state. */
export interface EvaluateInput {
  /** The warm runner's owner, an activation (one user's, on one market): a runner serves one owner and one code. */
  owner: string;
  /** How many runners the child keeps warm (SANDBOX_WARM_RUNNERS). */
  warmRunners: number;
  code: string;
  limits: SandboxLimits;
  candles: CandleColumns;
  state: StrategyState;
  market: 'spot' | 'futures';
  costs: Costs;
}

export interface EvaluateOutput extends CloseDecision {
  logs: string[];
}

/** A simulation as it crosses back: the trades packed into one float column, the candles handed back. */
export interface SimulateOutput extends Omit<Simulation, 'trades'> {
  trades: Float64Array;
  candles: CandleColumns;
}

/**
 * The tasks of the sandbox threads: a validation, a backtest's simulation, a live evaluation on one close.
 */
export type SandboxTaskTypes = {
  validate: { input: ValidateInput; output: ValidationResult };
  /** What the strategy declares in `static params` (compiled, not run). */
  params: { input: ValidateInput; output: ParamSpecs };
  simulate: { input: SimulateInput; output: SimulateOutput };
  sweepRun: { input: SweepRunInput; output: SweepRunOutput };
  evaluate: { input: EvaluateInput; output: EvaluateOutput };
};

const REASONS: ExitReason[] = ['signal', 'stop_loss', 'take_profit', 'end'];
const WIDTH = 10;

/** Trades as one Float64Array (moved, not cloned: a year of 1m candles can make tens of thousands of trades). */
export function packTrades(trades: SimulatedTrade[]): Float64Array {
  const packed = new Float64Array(trades.length * WIDTH);
  trades.forEach((t, i) => {
    packed.set(
      [
        t.side === 'long' ? 0 : 1,
        t.entryTime,
        t.exitTime,
        t.entryPrice,
        t.exitPrice,
        t.quantity,
        t.fees,
        t.pnl,
        t.balanceAfter,
        REASONS.indexOf(t.exitReason),
      ],
      i * WIDTH,
    );
  });
  return packed;
}

export function unpackTrades(packed: Float64Array): SimulatedTrade[] {
  const trades: SimulatedTrade[] = [];
  for (let o = 0; o < packed.length; o += WIDTH) {
    trades.push({
      side: packed[o] === 0 ? 'long' : 'short',
      entryTime: packed[o + 1],
      exitTime: packed[o + 2],
      entryPrice: packed[o + 3],
      exitPrice: packed[o + 4],
      quantity: packed[o + 5],
      fees: packed[o + 6],
      pnl: packed[o + 7],
      balanceAfter: packed[o + 8],
      exitReason: REASONS[packed[o + 9]],
    });
  }
  return trades;
}

/** The distinct buffers under the candle columns, to move them. */
export function columnBuffers(candles: CandleColumns): ArrayBuffer[] {
  return [...new Set(COLUMNS.map((name) => candles[name].buffer as ArrayBuffer))];
}

/**
 * "Tester la syntaxe" in the pool: the same answer as validateStrategy, off the caller's event loop. A thread the
 * pool had to stop answers like a refused strategy; a full queue rejects (RateLimitError).
 */
export async function validateInPool(
  pool: SandboxPool,
  owner: string,
  code: string,
  limits: SandboxLimits,
): Promise<ValidationResult> {
  try {
    return await pool.run('validate', owner, { code, limits }, { budgetMs: limits.budgetMs });
  } catch (error) {
    if (error instanceof StrategyError) return { ok: false, error: error.toJSON() };
    throw error;
  }
}

/**
 * A backtest's simulation in the pool. The candle columns move to the thread and come back with the answer (the
 * caller's arrays are emptied meanwhile: use the returned ones).
 */
export async function simulateInPool(
  pool: SandboxPool,
  owner: string,
  input: SimulateInput,
  options: { onProgress?(done: number, total: number): void; signal?: AbortSignal },
): Promise<{ simulation: Simulation; candles: CandleColumns }> {
  const output = await pool.run('simulate', owner, input, {
    ...options,
    budgetMs: input.limits.budgetMs,
    transfer: columnBuffers(input.candles),
  });
  const { candles, trades, ...rest } = output;
  return { simulation: { ...rest, trades: unpackTrades(trades) }, candles };
}

/** The parameters a strategy declares, read in the pool (a StrategyError when the code does not define a strategy). */
export function paramsInPool(
  pool: SandboxPool,
  owner: string,
  code: string,
  limits: SandboxLimits,
): Promise<ParamSpecs> {
  return pool.run('params', owner, { code, limits }, { budgetMs: limits.budgetMs });
}

/**
 * One sweep combination in the pool: first without the candles (the child has them from an earlier combination),
 * then with them (copied, the caller keeps its own) when the child lacks them.
 */
export async function sweepRunInPool(
  pool: SandboxPool,
  owner: string,
  input: Omit<SweepRunInput, 'candles'>,
  candles: () => Promise<CandleColumns>,
  options: { signal?: AbortSignal },
): Promise<Extract<SweepRunOutput, { missingCandles: false }>> {
  const run = (given?: CandleColumns) =>
    pool.run('sweepRun', owner, { ...input, candles: given }, { ...options, budgetMs: input.limits.budgetMs });
  const first = await run();
  const answer = first.missingCandles ? await run(await candles()) : first;
  if (answer.missingCandles) throw new StrategyError('Le bac à sable a perdu les bougies de cette optimisation.');
  return answer;
}
