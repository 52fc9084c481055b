import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { currentThreadId } from '../thread-cpu';
import type { RunMessage, TaskHandler, ThreadMessage } from './sandbox-pool-protocol';
import { StrategyError } from './strategy-error';

/**
 * Lowers this thread's priority: on Linux the nice value is per thread, so the process's event loop (HTTP
 * requests, orders) keeps the cores it needs while strategies take what is left.
 */
function lowerPriority(nice: number): void {
  try {
    setPriority(0, nice);
  } catch {
    // Not permitted or not supported: the thread runs at the process's priority.
  }
}

/** Serves tasks one at a time on this worker thread until the pool terminates it. */
export function serveTasks(handlers: Record<string, TaskHandler>): void {
  const port = parentPort;
  if (!port) throw new Error('serveTasks runs in a worker thread');
  const send = (message: ThreadMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  lowerPriority(Number((workerData as { nice?: number } | null)?.nice ?? 0));

  port.on('message', async (message: RunMessage) => {
    const { id, kind, input, stop } = message;
    try {
      const handler = handlers[kind];
      if (!handler) throw new Error(`tâche inconnue : ${kind}`);
      const answer = await handler(input as never, {
        progress: (done, total) => send({ type: 'progress', id, done, total }),
        stopRequested: () => Atomics.load(stop, 0) === 1,
      });
      send({ type: 'done', id, output: answer.output }, answer.transfer);
    } catch (error) {
      const failure = error instanceof StrategyError ? error : new StrategyError((error as Error).message);
      send({ type: 'failed', id, error: failure.toJSON() });
    }
  });
  send({ type: 'ready', tid: currentThreadId() });
}
