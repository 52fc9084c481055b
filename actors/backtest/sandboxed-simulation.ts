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
 * One backtest's simulation on a sandbox thread, so the worker's event loop (every broker actor's orders) stays
 * free: progress comes from the thread by slice, and a cancel request found by polling is passed on to the thread,
 * which stops at its next slice (or, still queued, never starts). Null when cancelled.
 */
export async function simulateSandboxed(
  pool: SandboxPool,
  owner: string,
  input: SimulateInput,
  hooks: SandboxedHooks,
): Promise<{ simulation: Simulation; candles: CandleColumns } | null> {
  const cancel = new AbortController();
  let reported = Promise.resolve();
  let polling = true;
  const poll = (async () => {
    while (polling) {
      await new Promise((resolve) => setTimeout(resolve, hooks.pollMs));
      if (polling && (await hooks.stopRequested())) {
        cancel.abort();
        return;
      }
    }
  })();
  try {
    const answer = await simulateInPool(pool, owner, input, {
      signal: cancel.signal,
      onProgress: (done, total) => {
        reported = reported.then(() => hooks.progress((done / total) * 100));
      },
    });
    return answer.simulation.cancelled ? null : answer;
  } catch (error) {
    if (cancel.signal.aborted && (error as Error).name === 'AbortError') return null;
    throw error;
  } finally {
    polling = false;
    await poll;
    await reported;
  }
}
