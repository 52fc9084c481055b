import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { threadCpuMs } from '../thread-cpu';
import { FairQueue, type FairQueueLimits } from './sandbox-pool-queue';
import type { RunMessage, ThreadMessage } from './sandbox-pool-protocol';
import type { SandboxTaskTypes } from './sandbox-pool-tasks';
import { StrategyError } from './strategy-error';

/** Input and answer of each task kind a pool's threads serve. */
export type TaskTypes = Record<string, { input: unknown; output: unknown }>;

export interface SandboxPoolOptions {
  /** Threads at most (SANDBOX_THREADS); each is started on first need and kept. */
  size: number;
  logger: Logger;
  queue?: Partial<FairQueueLimits>;
  /** Nice value of the threads (Linux: per thread): the process's own event loop goes first. */
  nice?: number;
  /** The thread module; tests give one that misbehaves on demand. */
  entry?: string;
  /** V8 heap of a thread, beside its strategies' isolates (which have their own limit). */
  heapMb?: number;
}

export interface RunOptions {
  /** The task's CPU budget: the sandbox enforces it; past it and a margin the watchdog replaces the thread. */
  budgetMs: number;
  /** Buffers moved to the thread rather than copied (the caller loses them). */
  transfer?: ArrayBuffer[];
  onProgress?(done: number, total: number): void;
  /** Before the start: the task leaves the queue. Running: the task is asked to stop at its next slice. */
  signal?: AbortSignal;
}

interface Run {
  id: number;
  kind: string;
  owner: string;
  input: unknown;
  options: RunOptions;
  stop: Int32Array;
  resolve(output: unknown): void;
  reject(error: unknown): void;
  cpuStart: number;
  startedAt: number;
}

interface Slot {
  worker: Worker;
  /** Whether the thread has loaded its modules: a task's clocks start then, not while it compiles. */
  ready: boolean;
  spawnedAt: number;
  tid: number | null;
  run: Run | null;
}

export const DEFAULT_QUEUE: FairQueueLimits = { perOwner: 3, total: 32 };
const DEFAULT_NICE = 19;
const WATCHDOG_EVERY_MS = 100;
/** CPU a thread may spend past a task's budget (its own JavaScript, the engine around the strategy). */
const MARGIN_MS = 1000;
/** A thread still loading its modules after this long is taken for stuck. */
const START_LIMIT_MS = 60_000;

const THREAD_ENTRY = path.join(__dirname, `sandbox-thread${path.extname(__filename)}`);

function startThread(entry: string, options: { nice: number; heapMb?: number }): Worker {
  const settings = {
    workerData: { nice: options.nice },
    resourceLimits: options.heapMb ? { maxOldGenerationSizeMb: options.heapMb } : undefined,
  };
  if (!entry.endsWith('.ts')) return new Worker(entry, settings);
  // Under tsx or Jest the sources are TypeScript: the thread compiles them with tsx, as the test processes do.
  const tsx = require.resolve('tsx/cjs');
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(entry)});`, { ...settings, eval: true });
}

/**
 * Strategy code off the caller's event loop: a pool of worker threads, each running one task at a time (a
 * validation, a backtest simulation), niced below the process's own thread. Tasks beyond the pool wait in a fair
 * queue (one running per owner, bounded); a thread that outlives its task's CPU budget by a margin, or dies, is
 * replaced and its task fails with a StrategyError; the pool itself carries on.
 */
export class SandboxPool<T extends TaskTypes = SandboxTaskTypes> {
  private readonly slots: (Slot | null)[];
  private readonly queue: FairQueue<Run>;
  private readonly busyOwners = new Set<string>();
  private readonly entry: string;
  private watchdog: NodeJS.Timeout | null = null;
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: SandboxPoolOptions) {
    this.slots = Array.from({ length: Math.max(1, options.size) }, () => null);
    this.queue = new FairQueue({ ...DEFAULT_QUEUE, ...options.queue });
    this.entry = options.entry ?? THREAD_ENTRY;
  }

  /** Runs one task for `owner` (a user: one of theirs runs at a time) and resolves with its answer. */
  run<K extends keyof T & string>(
    kind: K,
    owner: string,
    input: T[K]['input'],
    options: RunOptions,
  ): Promise<T[K]['output']> {
    return new Promise((resolve, reject) => {
      if (this.closed) throw new StrategyError('Le bac à sable des stratégies est arrêté.');
      options.signal?.throwIfAborted();
      const run: Run = {
        id: this.nextId++,
        kind,
        owner,
        input,
        options,
        stop: new Int32Array(new SharedArrayBuffer(4)),
        resolve: resolve as (output: unknown) => void,
        reject,
        cpuStart: 0,
        startedAt: 0,
      };
      this.queue.push(owner, run);
      options.signal?.addEventListener('abort', () => this.abort(run), { once: true });
      this.dispatch();
    });
  }

  /** Tasks waiting for a thread. */
  get waiting(): number {
    return this.queue.size;
  }

  /** Stops the threads; what is waiting or running fails. */
  async close(): Promise<void> {
    this.closed = true;
    const stopped = new StrategyError('Le bac à sable des stratégies est arrêté.');
    for (const run of this.queue.drain()) run.reject(stopped);
    const slots = this.slots.filter((slot): slot is Slot => slot !== null);
    this.slots.fill(null);
    this.stopWatchdog();
    for (const slot of slots) slot.run?.reject(stopped);
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private abort(run: Run): void {
    if (this.queue.remove(run.owner, run)) run.reject(run.options.signal?.reason);
    else Atomics.store(run.stop, 0, 1);
  }

  private dispatch(): void {
    for (let i = 0; i < this.slots.length && !this.closed; i++) {
      if (this.slots[i]?.run) continue;
      const run = this.queue.next((owner) => this.busyOwners.has(owner));
      if (!run) return;
      this.start(this.slots[i] ?? this.spawn(i), run);
    }
  }

  private spawn(index: number): Slot {
    const worker = startThread(this.entry, { nice: this.options.nice ?? DEFAULT_NICE, heapMb: this.options.heapMb });
    const slot: Slot = { worker, ready: false, spawnedAt: performance.now(), tid: null, run: null };
    this.slots[index] = slot;
    worker.on('message', (message: ThreadMessage) => this.receive(slot, message));
    worker.on('error', (error) => this.lose(slot, error));
    worker.on('exit', (code) => this.lose(slot, new Error(`le fil s'est arrêté (code ${code})`)));
    return slot;
  }

  private start(slot: Slot, run: Run): void {
    slot.run = run;
    this.busyOwners.add(run.owner);
    this.startClocks(slot, run);
    slot.worker.ref();
    this.startWatchdog();
    const message: RunMessage = { type: 'run', id: run.id, kind: run.kind, input: run.input, stop: run.stop };
    try {
      slot.worker.postMessage(message, run.options.transfer);
    } catch (error) {
      this.settle(slot, run, () => run.reject(error));
    }
  }

  private startClocks(slot: Slot, run: Run): void {
    run.cpuStart = threadCpuMs(slot.tid) ?? 0;
    run.startedAt = performance.now();
  }

  private receive(slot: Slot, message: ThreadMessage): void {
    if (message.type === 'ready') {
      slot.ready = true;
      slot.tid = message.tid;
      if (slot.run) this.startClocks(slot, slot.run);
      return;
    }
    const run = slot.run;
    if (!run || run.id !== message.id) return;
    if (message.type === 'progress') {
      run.options.onProgress?.(message.done, message.total);
    } else if (message.type === 'done') {
      this.settle(slot, run, () => run.resolve(message.output));
    } else {
      const { message: text, line, column } = message.error;
      this.settle(slot, run, () => run.reject(new StrategyError(text, line ?? undefined, column ?? undefined)));
    }
  }

  private settle(slot: Slot, run: Run, answer: () => void): void {
    slot.run = null;
    this.busyOwners.delete(run.owner);
    slot.worker.unref();
    answer();
    this.dispatch();
  }

  /** A thread that died (out of memory, an exception outside a task, terminated): its task fails, a new one will come. */
  private lose(slot: Slot, error: Error): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots[index] = null;
    const run = slot.run;
    if (!run) return;
    this.options.logger.warn({ err: error, kind: run.kind, owner: run.owner }, 'sandbox thread died');
    const memory = (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY' ? ' (mémoire épuisée)' : '';
    this.settle(slot, run, () =>
      run.reject(new StrategyError(`Le bac à sable de la stratégie s'est arrêté brutalement${memory} : réessayez.`)),
    );
  }

  private startWatchdog(): void {
    if (this.watchdog) return;
    this.watchdog = setInterval(() => this.watch(), WATCHDOG_EVERY_MS);
    this.watchdog.unref();
  }

  private stopWatchdog(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
  }

  /**
   * Replaces a thread whose task spent more CPU than its budget and the margin (the kernel's count; wall time where
   * there is none), or has run ten times that long in wall time, whatever it is stuck in.
   */
  private watch(): void {
    let busy = false;
    for (const slot of this.slots) {
      const run = slot?.run;
      if (!slot || !run) continue;
      busy = true;
      if (!slot.ready) {
        if (performance.now() - slot.spawnedAt > START_LIMIT_MS) this.replace(slot, run, 'never started');
        continue;
      }
      const limit = run.options.budgetMs + MARGIN_MS;
      const wall = performance.now() - run.startedAt;
      const cpu = threadCpuMs(slot.tid);
      if ((cpu ?? wall + run.cpuStart) - run.cpuStart <= limit && wall <= 10 * limit) continue;
      this.replace(slot, run, 'over budget');
    }
    if (!busy) this.stopWatchdog();
  }

  private replace(slot: Slot, run: Run, why: string): void {
    this.slots[this.slots.indexOf(slot)] = null;
    this.options.logger.warn({ kind: run.kind, owner: run.owner, why }, 'sandbox thread replaced');
    void slot.worker.terminate();
    this.settle(slot, run, () =>
      run.reject(
        new StrategyError(
          `La stratégie a dépassé son budget de calcul (${run.options.budgetMs} ms) : le bac à sable l'a arrêtée.`,
        ),
      ),
    );
  }
}
