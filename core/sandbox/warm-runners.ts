import { createHash } from 'node:crypto';
import type { SandboxLimits } from './limits';
import { StrategyRunner } from './strategy-runner';

/** The most a runner may hold to be kept between closes (a strategy's usual isolate is about 2 MB). */
export const WARM_HEAP_BYTES = 8 * 1024 * 1024;

/**
 * Live evaluations' runners, kept between closes in a sandbox child: creating one (an isolate, the prelude's
 * lockdown, the strategy's script) costs about 5 ms, an evaluation on a warm one about half a millisecond.
 *
 * A runner is kept for one owner (an activation: one user's, one market) and one code (and limits): nothing of one
 * user's strategy reaches another user's, nor another activation of theirs. Each evaluation creates a new instance of the strategy class (`start`), with a
 * budget of its own; what the strategy's script keeps at its top level may survive from one close to the next while
 * the runner stays warm, as it does over a backtest. A runner that failed is disposed by its call and never reused;
 * the least recently used are disposed beyond `size` (each holds an isolate, about 2 MB), and so is one that holds
 * more than `WARM_HEAP_BYTES` after its evaluation: a strategy that fills its heap (up to its memory limit) is
 * created again at each close rather than kept, so that warm runners cannot hold a child's memory.
 */
export class WarmRunners {
  private readonly runners = new Map<string, StrategyRunner>();
  private readonly keys = new WeakMap<StrategyRunner, string>();

  constructor(private size: number) {}

  /** Keeps at most `size` runners from now on (the caller's configuration, SANDBOX_WARM_RUNNERS). */
  resize(size: number): void {
    this.size = size;
    this.evict();
  }

  /** A warm runner for this owner and code, or a new one; its budget starts now. */
  take(owner: string, code: string, limits: SandboxLimits): StrategyRunner {
    const key = createHash('sha256')
      .update(`${owner}\0${JSON.stringify(limits)}\0${code}`)
      .digest('base64');
    let runner = this.runners.get(key);
    if (runner?.isDisposed) runner = undefined;
    this.runners.delete(key);
    if (!runner) runner = StrategyRunner.create(code, limits);
    else runner.renewBudget();
    this.runners.set(key, runner);
    this.keys.set(runner, key);
    this.evict();
    return runner;
  }

  /** After its evaluation: kept warm while it stays small, else disposed. */
  release(runner: StrategyRunner): void {
    runner.dropSeries();
    if (runner.isDisposed || runner.heapBytes() <= WARM_HEAP_BYTES) return;
    const key = this.keys.get(runner);
    if (key !== undefined && this.runners.get(key) === runner) this.runners.delete(key);
    runner.dispose();
  }

  private evict(): void {
    while (this.runners.size > this.size) {
      const [oldest, old] = this.runners.entries().next().value!;
      this.runners.delete(oldest);
      old.dispose();
    }
  }

  get count(): number {
    return this.runners.size;
  }
}
