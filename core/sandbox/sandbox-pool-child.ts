import { fork, type ChildProcess, type IOType } from 'node:child_process';
import { setPriority } from 'node:os';
import { StopFile } from '../stop-file';
import { STOP_FD } from './sandbox-pool-protocol';

export interface ChildOptions {
  nice: number;
  heapMb?: number;
}

/**
 * glibc's allocator, told to keep what it freed: every task copies its candles into a fresh isolate (25 MB for a year
 * of 1m candles) and frees them after. By default such blocks are mmapped and unmapped each time, and every page is
 * faulted in and zeroed again: a third of a sweep run's time, and what kept two children on two cores from running at
 * twice the speed of one (page faults contend in the kernel). Blocks up to 32 MB (glibc's ceiling) come from the heap
 * instead, which is not trimmed below 1 GB: a child's resident size stays at its peak.
 */
const MALLOC_KEEPS_MEMORY = {
  MALLOC_MMAP_THRESHOLD_: String(32 * 1024 * 1024),
  MALLOC_TRIM_THRESHOLD_: String(1024 * 1024 * 1024),
  MALLOC_TOP_PAD_: String(64 * 1024 * 1024),
};

/** V8's report on stderr when a heap (the process's or an isolate's) is exhausted: the process aborts after it. */
const OUT_OF_MEMORY = /out of memory|is_heap_oom = 1/i;
const TAIL_CHARS = 8192;

/**
 * The Node options of a child: isolated-vm needs --no-node-snapshot; under tsx or Jest the sources are TypeScript
 * and the child compiles them with tsx, as the test processes do. The parent's own options are not passed on
 * (Jest's, an inspector port).
 */
function execArgv(entry: string, heapMb: number | undefined): string[] {
  const argv = ['--no-node-snapshot'];
  if (entry.endsWith('.ts')) argv.push('--require', require.resolve('tsx/cjs'));
  if (heapMb) argv.push(`--max-old-space-size=${heapMb}`);
  return argv;
}

/**
 * One child process of a sandbox pool. Its stop file (the child's STOP_FD) holds the id of the task to stop, which
 * the child reads between slices while its event loop is busy with the task.
 */
export class SandboxChild {
  readonly process: ChildProcess;
  private readonly stopFile = new StopFile();
  private tail = '';

  constructor(entry: string, options: ChildOptions) {
    const stdio: (IOType | 'ipc' | number)[] = ['ignore', 'inherit', 'pipe', 'ipc'];
    stdio[STOP_FD] = this.stopFile.fd;
    try {
      this.process = fork(entry, [String(options.nice)], {
        execArgv: execArgv(entry, options.heapMb),
        env: { ...process.env, ...MALLOC_KEEPS_MEMORY },
        serialization: 'advanced',
        stdio,
      });
    } catch (error) {
      this.stopFile.close();
      throw error;
    }
    this.lowerPriority(options.nice);
    // Kept rather than passed on: the end of it tells an exhausted heap from another death, and is logged then.
    this.process.stderr?.setEncoding('utf8');
    this.process.stderr?.on('data', (chunk: string) => {
      this.tail = (this.tail + chunk).slice(-TAIL_CHARS);
    });
    (this.process.stderr as unknown as { unref?(): void } | null)?.unref?.();
    this.process.once('exit', () => this.stopFile.close());
  }

  /** The main thread now, so the threads it starts inherit it; the child renices those that already run. */
  private lowerPriority(nice: number): void {
    if (this.process.pid === undefined) return;
    try {
      setPriority(this.process.pid, nice);
    } catch {
      // Not permitted or not supported (or already gone): the child lowers its own threads.
    }
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  /** What the child wrote on stderr last. */
  get stderr(): string {
    return this.tail;
  }

  /** Whether what it wrote last says it died of an exhausted heap. */
  get outOfMemory(): boolean {
    return OUT_OF_MEMORY.test(this.tail);
  }

  /** Asks the child to stop task `id` at its next slice. */
  stop(id: number): void {
    this.stopFile.write(id);
  }

  /** Keeps the caller's process alive while the child works (true), or not while it idles. */
  hold(busy: boolean): void {
    if (busy) {
      this.process.ref();
      this.process.channel?.ref();
    } else {
      this.process.unref();
      this.process.channel?.unref();
    }
  }

  /** Kills the child (it may be stuck in a task: no asking) and resolves once it is gone. */
  kill(): Promise<void> {
    const child = this.process;
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    return gone;
  }
}
