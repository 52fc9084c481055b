import { simulate } from '../backtest/engine';
import { decideOnClose } from '../engine/live-step';
import type { TaskAnswer, TaskContext } from './sandbox-pool-protocol';
import {
  columnBuffers,
  packTrades,
  type EvaluateInput,
  type SimulateInput,
  type ValidateInput,
} from './sandbox-pool-tasks';
import { StrategyRunner } from './strategy-runner';
import { validateStrategy } from './validate';

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
   * One live evaluation: the strategy is created, sees every candle loaded (its indicators the warm-up window) and
   * decides on the last one, the cursor where the backtest would have it on that close.
   */
  evaluate: ({ code, limits, candles, state, market, costs }: EvaluateInput): TaskAnswer => {
    const runner = StrategyRunner.create(code, limits);
    try {
      runner.load(candles);
      runner.start(state.balance, market);
      const last = candles.close.length - 1;
      const decision = decideOnClose(runner, last, state, candles.close[last], costs);
      return { output: { ...decision, logs: runner.logs() } };
    } finally {
      runner.dispose();
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
      const buffers = [trades.buffer as ArrayBuffer, simulation.equity.buffer as ArrayBuffer];
      if (input.keepCandles) return { output: { ...simulation, trades }, transfer: buffers };
      return {
        output: { ...simulation, trades, candles: input.candles },
        transfer: [...buffers, ...columnBuffers(input.candles)],
      };
    } finally {
      runner.dispose();
    }
  },
};
