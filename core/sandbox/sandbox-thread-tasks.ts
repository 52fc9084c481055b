import { simulate } from '../backtest/engine';
import { computeStats } from '../backtest/stats';
import { decideOnClose } from '../engine/live-step';
import type { TaskAnswer, TaskContext } from './sandbox-pool-protocol';
import {
  columnBuffers,
  packTrades,
  type EvaluateInput,
  type SimulateInput,
  type SweepRunInput,
  type ValidateInput,
} from './sandbox-pool-tasks';
import { StrategyRunner, type CandleColumns } from './strategy-runner';
import { validateStrategy } from './validate';
import { WarmRunners } from './warm-runners';

/** The candles of the sweeps this child served last, by the caller's key (a year of 1m candles is 25 MB). */
const sweepCandles = new Map<string, CandleColumns>();
const SWEEP_CANDLES_KEPT = 2;

/** Live evaluations' runners, kept between closes (sized by each evaluation's caller). */
const warm = new WarmRunners(1);

/** What the sandbox threads run, by task kind (see SandboxTaskTypes for the caller's side). */
export const SANDBOX_TASKS = {
  validate: async ({ code, limits }: ValidateInput): Promise<TaskAnswer> => ({
    output: await validateStrategy(code, limits),
  }),

  params: ({ code, limits }: ValidateInput): TaskAnswer => {
    const runner = StrategyRunner.create(code, limits);
    try {
      return { output: runner.params };
    } finally {
      runner.dispose();
    }
  },

  /**
   * One live evaluation: a new instance of the strategy (on a runner kept warm for its owner and code) sees every
   * candle loaded (its indicators the warm-up window) and decides on the last one, the cursor where the backtest
   * would have it on that close.
   */
  evaluate: ({ owner, warmRunners, code, limits, candles, state, market, costs }: EvaluateInput): TaskAnswer => {
    warm.resize(warmRunners);
    const runner = warm.take(owner, code, limits);
    try {
      runner.load(candles);
      runner.start(state.balance, market);
      const last = candles.close.length - 1;
      const decision = decideOnClose(runner, last, state, candles.close[last], costs);
      return { output: { ...decision, logs: runner.logs() } };
    } catch (error) {
      // A refusal raised on the host (an invalid answer) leaves the isolate as the strategy made it: not kept.
      runner.dispose();
      throw error;
    } finally {
      warm.release(runner);
    }
  },

  /** One backtest's simulation: progress by slice, stopped between slices when the caller cancels. */
  simulate: async (input: SimulateInput, context: TaskContext): Promise<TaskAnswer> => {
    const runner = StrategyRunner.create(input.code, input.limits);
    try {
      runner.load(input.candles);
      const simulation = await simulate(runner, input.candles, input.settings, {
        checkpoint: (done, total) => {
          context.progress(done, total);
          return context.stopRequested();
        },
      });
      const trades = packTrades(simulation.trades);
      return {
        output: { ...simulation, trades, candles: input.candles },
        transfer: [
          trades.buffer as ArrayBuffer,
          simulation.equity.buffer as ArrayBuffer,
          ...columnBuffers(input.candles),
        ],
      };
    } finally {
      runner.dispose();
    }
  },

  /** One sweep combination on candles kept from an earlier one (or given now), answered as its statistics. */
  sweepRun: async (input: SweepRunInput, context: TaskContext): Promise<TaskAnswer> => {
    if (input.candles) {
      sweepCandles.delete(input.candlesKey);
      sweepCandles.set(input.candlesKey, input.candles);
      while (sweepCandles.size > SWEEP_CANDLES_KEPT) sweepCandles.delete(sweepCandles.keys().next().value!);
    }
    const candles = sweepCandles.get(input.candlesKey);
    if (!candles) return { output: { missingCandles: true } };
    const runner = StrategyRunner.create(input.code, input.limits);
    try {
      runner.load(candles);
      const simulation = await simulate(runner, candles, input.settings, {
        checkpoint: () => context.stopRequested(),
      });
      const stats = computeStats(
        simulation.trades,
        simulation.equity,
        simulation.exposedCandles,
        simulation.finalBalance,
        candles,
        input.settings,
      );
      return {
        output: {
          missingCandles: false,
          cancelled: simulation.cancelled,
          stats,
          finalBalance: simulation.finalBalance,
        },
      };
    } finally {
      runner.dispose();
    }
  },
};
