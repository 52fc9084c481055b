import { readdirSync, readFileSync } from 'node:fs';

/**
 * The kernel's view of processes (Linux /proc): the CPU count of a child, so a parent can watch a child too busy to
 * answer, and the threads of this one. Elsewhere they answer null and callers fall back (wall time, the main thread).
 */

const TICK_MS = 10; // USER_HZ is 100 on every Linux architecture.

/** CPU time (user + system of all its threads, 10 ms steps) of process `pid`, or null when unknown or gone. */
export function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
}

/** The kernel ids of this process's threads, or null without /proc. */
export function ownThreadIds(): number[] | null {
  try {
    return readdirSync('/proc/self/task').map(Number);
  } catch {
    return null;
  }
}
