import { simulate } from '../backtest/engine';
import type { TaskAnswer, TaskContext } from './sandbox-pool-protocol';
import { columnBuffers, packTrades, type SimulateInput, type ValidateInput } from './sandbox-pool-tasks';
import { StrategyRunner } from './strategy-runner';
import { validateStrategy } from './validate';

/** What the sandbox threads run, by task kind (see SandboxTaskTypes for the caller's side). */
export const SANDBOX_TASKS = {
  validate: async ({ code, limits }: ValidateInput): Promise<TaskAnswer> => ({
    output: await validateStrategy(code, limits),
  }),

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
};
