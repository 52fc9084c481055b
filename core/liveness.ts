import { hostname } from 'node:os';
import type { Redis } from './redis';

export type ProcessRole = 'worker' | 'heartbeat' | 'web';

const TTL_SECONDS = 15;
const REFRESH_MS = 5_000;

export const livenessKey = (prefix: string, role: ProcessRole, id = '') =>
  `${prefix}:alive:${role}${id ? `:${id}` : ''}`;

export interface LivenessRecord {
  pid: number;
  host: string;
  startedAt: string;
  seenAt: string;
}

/**
 * Announces that this process is alive: a key with a short TTL, refreshed on a timer. A process that dies stops
 * refreshing and disappears from /api/health within the TTL.
 */
export function announceLiveness(redis: Redis, prefix: string, role: ProcessRole): () => Promise<void> {
  const id = `${hostname()}-${process.pid}`;
  const key = livenessKey(prefix, role, id);
  const startedAt = new Date().toISOString();
  const beat = () => {
    const record: LivenessRecord = { pid: process.pid, host: hostname(), startedAt, seenAt: new Date().toISOString() };
    redis.set(key, JSON.stringify(record), 'EX', TTL_SECONDS).catch(() => undefined);
  };
  beat();
  const timer = setInterval(beat, REFRESH_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await redis.del(key).catch(() => undefined);
  };
}

/** The live processes of one role. */
export async function aliveProcesses(redis: Redis, prefix: string, role: ProcessRole): Promise<LivenessRecord[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${livenessKey(prefix, role)}:*`, 'COUNT', 200);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  if (!keys.length) return [];
  const values = await redis.mget(keys);
  return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as LivenessRecord);
}
