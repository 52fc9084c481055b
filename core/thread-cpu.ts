import { readFileSync, readlinkSync } from 'node:fs';

/**
 * The kernel's per-thread CPU clock (Linux /proc), so a process can watch one of its worker threads even while that
 * thread is too busy to answer. Elsewhere these answer null and callers fall back to wall time.
 */

const TICK_MS = 10; // USER_HZ is 100 on every Linux architecture.

/** The calling thread's kernel id, or null. */
export function currentThreadId(): number | null {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop()) || null;
  } catch {
    return null;
  }
}

/** CPU time (user + system, 10 ms steps) of one thread of this process, or null when unknown or gone. */
export function threadCpuMs(tid: number | null): number | null {
  if (tid === null) return null;
  try {
    // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are 12th and 13th.
    const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
}
