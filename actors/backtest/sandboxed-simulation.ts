import type { Simulation } from '../../core/backtest/engine';
import type { SandboxPool } from '../../core/sandbox/sandbox-pool';
import { simulateInPool, type SimulateInput } from '../../core/sandbox/sandbox-pool-tasks';
import type { CandleColumns } from '../../core/sandbox/strategy-runner';

export interface SandboxedHooks {
  /** Percent of the candles simulated; awaited in order, the last one before the answer. */
  progress(percent: number): Promise<void>;
  /** Whether the run's cancel key is set: polled every `pollMs` while the thread works. */
  stopRequested(): Promise<boolean>;
  pollMs: number;
}

/**
 * A task on a sandbox child that the caller may cancel: a cancel request found by polling aborts it (the child
 * stops at its next slice, or, still queued, never starts). Null when cancelled.
 */
export async function cancellable<T>(
  hooks: SandboxedHooks,
  task: (signal: AbortSignal, onProgress: (done: number, total: number) => void) => Promise<T>,
): Promise<T | null> {
  const cancel = new AbortController();
  let reported = Promise.resolve();
  let polling = true;
  // The wait between polls ends as soon as the task does: the answer is not held back until the next poll.
  let wake = () => {};
  const poll = (async () => {
    while (polling) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, hooks.pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (polling && (await hooks.stopRequested())) {
        cancel.abort();
        return;
      }
    }
  })();
  try {
    return await task(cancel.signal, (done, total) => {
      reported = reported.then(() => hooks.progress((done / total) * 100));
    });
  } catch (error) {
    if (cancel.signal.aborted && (error as Error).name === 'AbortError') return null;
    throw error;
  } finally {
    polling = false;
    wake();
    await poll;
    await reported;
  }
}

/**
 * One backtest's simulation on a sandbox child, so the worker's event loop (every broker actor's orders) stays
 * free: progress comes from the child by slice. Null when cancelled.
 */
export async function simulateSandboxed(
  pool: SandboxPool,
  owner: string,
  input: SimulateInput,
  hooks: SandboxedHooks,
): Promise<{ simulation: Simulation; candles: CandleColumns } | null> {
  const answer = await cancellable(hooks, (signal, onProgress) =>
    simulateInPool(pool, owner, input, { signal, onProgress }),
  );
  return answer && !answer.simulation.cancelled ? answer : null;
}
