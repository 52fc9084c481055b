/**
 * The messages between a sandbox pool and its threads. A task is generic: a kind the thread has a handler for, an
 * input, and an answer; the thread may report progress and is told to stop through a shared flag it reads between
 * slices of work (its event loop is busy while a task runs, so a message would wait until the end).
 */

/** Main → thread: run one task. `stop` is a shared Int32Array(1): set to 1 to ask the task to stop early. */
export interface RunMessage {
  type: 'run';
  id: number;
  kind: string;
  input: unknown;
  stop: Int32Array;
}

/** What a task failed with: a StrategyError's fields, so the caller rebuilds the same error. */
export interface TaskFailure {
  message: string;
  line: number | null;
  column: number | null;
}

/** Thread → main. `ready` carries the thread's kernel id (Linux) so the pool can read its CPU time. */
export type ThreadMessage =
  | { type: 'ready'; tid: number | null }
  | { type: 'progress'; id: number; done: number; total: number }
  | { type: 'done'; id: number; output: unknown }
  | { type: 'failed'; id: number; error: TaskFailure };

/** What a task's handler gets besides its input. */
export interface TaskContext {
  progress(done: number, total: number): void;
  /** Whether the caller asked the task to stop (cancellation): checked between slices. */
  stopRequested(): boolean;
}

/** A task's answer and the buffers to move back with it rather than copy. */
export interface TaskAnswer {
  output: unknown;
  transfer?: ArrayBuffer[];
}

export type TaskHandler = (input: never, context: TaskContext) => Promise<TaskAnswer> | TaskAnswer;
