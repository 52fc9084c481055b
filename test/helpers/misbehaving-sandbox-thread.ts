import { serveTasks } from '../../core/sandbox/sandbox-thread-serve';
import { SANDBOX_TASKS } from '../../core/sandbox/sandbox-thread-tasks';

/**
 * A sandbox process that also misbehaves on demand, for the pool's tests: what a strategy cannot do any more once
 * the sandbox enforces its limits, but what the pool must survive if it ever happens (a process that spins, dies,
 * runs out of heap), and a task that just takes its time.
 */
serveTasks({
  ...SANDBOX_TASKS,
  spin: () => {
    for (;;);
  },
  exit: () => process.exit(3),
  exhaust: () => {
    const kept: number[][] = [];
    for (;;) kept.push(Array.from({ length: 100_000 }, (_, i) => i * 1.5));
  },
  sleep: async (ms: number) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return { output: ms };
  },
});
