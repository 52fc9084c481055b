/**
 * The messages between a sandbox pool and its child processes (IPC with the 'advanced' serialization, so typed
 * arrays cross as such). A task is generic: a kind the child has a handler for, an input, and an answer; the child
 * may report progress. It is told to stop through a stop file rather than a message: its event loop is busy while a
 * task runs, so a message would wait until the end.
 */

/** Main → child: run one task. */
export interface RunMessage {
  type: 'run';
  id: number;
  kind: string;
  input: unknown;
}

/** What a task failed with: a StrategyError's fields, so the caller rebuilds the same error. */
export interface TaskFailure {
  message: string;
  line: number | null;
  column: number | null;
}

/** Child → main. `ready` once the child has loaded its modules. */
export type ChildMessage =
  | { type: 'ready' }
  | { type: 'progress'; id: number; done: number; total: number }
  | { type: 'done'; id: number; output: unknown }
  | { type: 'failed'; id: number; error: TaskFailure };

/** The child's file descriptor of the stop file: the id of the task to stop, an Int32 at offset 0. */
export const STOP_FD = 4;

/** What a task's handler gets besides its input. */
export interface TaskContext {
  progress(done: number, total: number): void;
  /** Whether the caller asked the task to stop (cancellation): checked between slices. */
  stopRequested(): boolean;
}

/** A task's answer and the buffers it no longer needs once sent (a child's answer is copied to the caller). */
export interface TaskAnswer {
  output: unknown;
  transfer?: ArrayBuffer[];
}

export type TaskHandler = (input: never, context: TaskContext) => Promise<TaskAnswer> | TaskAnswer;
