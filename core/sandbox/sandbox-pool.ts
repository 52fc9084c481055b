import path from 'node:path';
import type { Logger } from 'pino';
import { processCpuMs } from '../process-cpu';
import { SandboxChild } from './sandbox-pool-child';
import { FairQueue, type FairQueueLimits } from './sandbox-pool-queue';
import type { ChildMessage, RunMessage } from './sandbox-pool-protocol';
import type { SandboxTaskTypes } from './sandbox-pool-tasks';
import { StrategyError } from './strategy-error';

/** Input and answer of each task kind a pool's child processes serve. */
export type TaskTypes = Record<string, { input: unknown; output: unknown }>;

export interface SandboxPoolOptions {
  /** Child processes at most (SANDBOX_THREADS); each is started on first need and kept. */
  size: number;
  logger: Logger;
  queue?: Partial<FairQueueLimits>;
  /** Nice value of the children: the caller's event loop goes first. */
  nice?: number;
  /** The child's module; tests give one that misbehaves on demand. */
  entry?: string;
  /** V8 heap of a child, beside its strategies' isolates (which have their own limit). */
  heapMb?: number;
}

export interface RunOptions {
  /** The task's CPU budget: the sandbox enforces it; past it and a margin the watchdog replaces the child. */
  budgetMs: number;
  /** Buffers the caller gives up: once copied to the child they are detached, so the caller does not hold both. */
  transfer?: ArrayBuffer[];
  onProgress?(done: number, total: number): void;
  /**
   * Before the start: the task leaves the queue. Running: the task is asked to stop at its next slice; a child
   * that has not answered a second later is replaced and the task fails with the signal's reason.
   */
  signal?: AbortSignal;
}

interface Run {
  id: number;
  kind: string;
  owner: string;
  input: unknown;
  options: RunOptions;
  resolve(output: unknown): void;
  reject(error: unknown): void;
  cpuStart: number;
  startedAt: number;
  /** When the caller cancelled it while it ran. */
  abortedAt: number | null;
}

interface Slot {
  child: SandboxChild;
  /** Whether the child has loaded its modules: a task's clocks start then, not while it compiles. */
  ready: boolean;
  spawnedAt: number;
  run: Run | null;
}

export const DEFAULT_QUEUE: FairQueueLimits = { perOwner: 3, total: 32 };
const DEFAULT_NICE = 19;
const WATCHDOG_EVERY_MS = 100;
/** CPU a child may spend past a task's budget (its own JavaScript, the engine around the strategy, GC threads). */
const MARGIN_MS = 1000;
/** A child still loading its modules after this long is taken for stuck. */
const START_LIMIT_MS = 60_000;
/** Time a cancelled task has to stop at a slice before its child is replaced. */
const CANCEL_GRACE_MS = 1000;

/** Under tsx or Jest this module is TypeScript, and so is the child's entry beside it; compiled, both are in dist/. */
const CHILD_ENTRY = path.join(__dirname, `sandbox-thread${path.extname(__filename)}`);

/**
 * Strategy code off the caller's process: a pool of child processes, each running one task at a time (a
 * validation, a backtest simulation, a live evaluation), niced below the caller. A process of their own because V8
 * aborts the whole process on some exhausted heaps (an isolate's included) instead of letting isolated-vm stop the
 * isolate: a strategy then kills its child, never the process that places everyone's orders. Tasks beyond the pool
 * wait in a fair queue (one running per owner, bounded); a child that outlives its task's CPU budget by a margin,
 * or dies, is replaced and its task fails with a StrategyError; the pool itself carries on.
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
    this.entry = options.entry ?? CHILD_ENTRY;
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
        resolve: resolve as (output: unknown) => void,
        reject,
        cpuStart: 0,
        startedAt: 0,
        abortedAt: null,
      };
      this.queue.push(owner, run);
      options.signal?.addEventListener('abort', () => this.abort(run), { once: true });
      this.dispatch();
    });
  }

  /** Tasks waiting for a child. */
  get waiting(): number {
    return this.queue.size;
  }

  /** Stops the children; what is waiting or running fails. */
  async close(): Promise<void> {
    this.closed = true;
    const stopped = new StrategyError('Le bac à sable des stratégies est arrêté.');
    for (const run of this.queue.drain()) run.reject(stopped);
    const slots = this.slots.filter((slot): slot is Slot => slot !== null);
    this.slots.fill(null);
    this.stopWatchdog();
    for (const slot of slots) slot.run?.reject(stopped);
    await Promise.all(slots.map((slot) => slot.child.kill()));
  }

  private abort(run: Run): void {
    if (this.queue.remove(run.owner, run)) return run.reject(run.options.signal?.reason);
    const slot = this.slots.find((candidate) => candidate?.run === run);
    if (!slot) return;
    run.abortedAt = performance.now();
    slot.child.stop(run.id);
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
    const child = new SandboxChild(this.entry, {
      nice: this.options.nice ?? DEFAULT_NICE,
      heapMb: this.options.heapMb,
    });
    const slot: Slot = { child, ready: false, spawnedAt: performance.now(), run: null };
    this.slots[index] = slot;
    child.process.on('message', (message: ChildMessage) => this.receive(slot, message));
    child.process.on('error', (error) => this.lose(slot, error));
    // 'close' rather than 'exit': stderr is read to its end, V8's report of an exhausted heap included.
    child.process.on('close', (code, signal) =>
      this.lose(slot, new Error(`le processus s'est arrêté (${signal ?? `code ${code}`})`)),
    );
    return slot;
  }

  private start(slot: Slot, run: Run): void {
    slot.run = run;
    this.busyOwners.add(run.owner);
    this.startClocks(slot, run);
    slot.child.hold(true);
    this.startWatchdog();
    const message: RunMessage = { type: 'run', id: run.id, kind: run.kind, input: run.input };
    try {
      // Serialized at once, so the buffers the caller gave up can go now.
      slot.child.process.send(message, (error) => error && this.lose(slot, error));
    } catch (error) {
      return this.settle(slot, run, () => run.reject(error));
    }
    for (const buffer of run.options.transfer ?? []) detach(buffer);
  }

  private startClocks(slot: Slot, run: Run): void {
    run.cpuStart = processCpuMs(slot.child.pid) ?? 0;
    run.startedAt = performance.now();
  }

  private receive(slot: Slot, message: ChildMessage): void {
    if (message.type === 'ready') {
      slot.ready = true;
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
    slot.child.hold(false);
    answer();
    this.dispatch();
  }

  /**
   * A child that died (an exhausted heap, an exception outside a task, killed): its task fails, a new one will
   * come.
   */
  private lose(slot: Slot, error: Error): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots[index] = null;
    void slot.child.kill();
    const run = slot.run;
    if (!run) return;
    const { stderr, outOfMemory } = slot.child;
    this.options.logger.warn({ err: error, kind: run.kind, owner: run.owner, stderr }, 'sandbox process died');
    const message = outOfMemory
      ? "Le bac à sable de la stratégie s'est arrêté brutalement (mémoire épuisée) : réduisez ce qu'elle garde en mémoire."
      : "Le bac à sable de la stratégie s'est arrêté brutalement : réessayez.";
    this.settle(slot, run, () => run.reject(new StrategyError(message)));
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
   * Replaces a child whose task spent more CPU than its budget and the margin (the kernel's count; wall time where
   * there is none), or has run ten times that long in wall time, whatever it is stuck in; or whose cancelled task
   * did not stop in time.
   */
  private watch(): void {
    let busy = false;
    for (const slot of this.slots) {
      const run = slot?.run;
      if (!slot || !run) continue;
      busy = true;
      if (!slot.ready) {
        if (performance.now() - slot.spawnedAt > START_LIMIT_MS)
          this.replace(slot, run, 'never started', overBudget(run));
        continue;
      }
      if (run.abortedAt !== null && performance.now() - run.abortedAt > CANCEL_GRACE_MS) {
        this.replace(slot, run, 'cancelled', run.options.signal?.reason);
        continue;
      }
      const limit = run.options.budgetMs + MARGIN_MS;
      const wall = performance.now() - run.startedAt;
      const cpu = processCpuMs(slot.child.pid);
      if ((cpu ?? wall + run.cpuStart) - run.cpuStart <= limit && wall <= 10 * limit) continue;
      this.replace(slot, run, 'over budget', overBudget(run));
    }
    if (!busy) this.stopWatchdog();
  }

  private replace(slot: Slot, run: Run, why: string, failure: unknown): void {
    this.slots[this.slots.indexOf(slot)] = null;
    this.options.logger.warn({ kind: run.kind, owner: run.owner, why }, 'sandbox process replaced');
    void slot.child.kill();
    this.settle(slot, run, () => run.reject(failure));
  }
}

function overBudget(run: Run): StrategyError {
  return new StrategyError(
    `La stratégie a dépassé son budget de calcul (${run.options.budgetMs} ms) : le bac à sable l'a arrêtée.`,
  );
}

/**
 * Empties a buffer the caller gave up, as a transfer to a thread would: moved into a clone that is dropped. A
 * buffer Node shares between Buffers (its pool) cannot be moved, and stays.
 */
function detach(buffer: ArrayBuffer): void {
  try {
    structuredClone(buffer, { transfer: [buffer] });
  } catch {
    // Untransferable: the caller keeps it, at the cost of the memory.
  }
}
