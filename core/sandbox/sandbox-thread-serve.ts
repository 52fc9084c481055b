import { setPriority } from 'node:os';
import { ownThreadIds } from '../process-cpu';
import { readStopWord } from '../stop-file';
import { STOP_FD, type ChildMessage, type RunMessage, type TaskHandler } from './sandbox-pool-protocol';
import { StrategyError } from './strategy-error';

/**
 * Lowers the priority of every thread of this process (on Linux the nice value is per thread, and V8's helper
 * threads exist before the parent could renice the process), so the parent's event loop and the other processes'
 * (HTTP requests, orders) keep the cores they need while strategies take what is left.
 */
function lowerPriority(nice: number): void {
  for (const tid of ownThreadIds() ?? [0]) {
    try {
      setPriority(tid, nice);
    } catch {
      // Not permitted or not supported: that thread runs at the parent's priority.
    }
  }
}

/**
 * Serves tasks one at a time in this child process of a sandbox pool until the pool kills it or goes away. Its
 * arguments: the nice value.
 */
export function serveTasks(handlers: Record<string, TaskHandler>): void {
  if (!process.send) throw new Error('serveTasks runs in a child process forked with an IPC channel');
  const send = (message: ChildMessage) => process.send?.(message);
  lowerPriority(Number(process.argv[2] ?? 0));
  // The pool is gone (its process died without closing us): nothing to answer to.
  process.on('disconnect', () => process.exit(0));

  process.on('message', async (message: RunMessage) => {
    const { id, kind, input } = message;
    try {
      const handler = handlers[kind];
      if (!handler) throw new Error(`tâche inconnue : ${kind}`);
      const answer = await handler(input as never, {
        progress: (done, total) => send({ type: 'progress', id, done, total }),
        stopRequested: () => readStopWord(STOP_FD) === id,
      });
      send({ type: 'done', id, output: answer.output });
    } catch (error) {
      const failure = error instanceof StrategyError ? error : new StrategyError((error as Error).message);
      send({ type: 'failed', id, error: failure.toJSON() });
    }
  });
  send({ type: 'ready' });
}
