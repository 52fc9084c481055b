import IORedis, { type RedisOptions } from 'ioredis';

/** Connection options from a redis:// URL, for BullMQ (which wants options, so it owns and closes its clients). */
export function redisOptions(url: string): RedisOptions {
  const parsed = new URL(url);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
  };
}

/** A client of our own (cache keys, pub/sub, rate limits). Whoever creates it quits it. */
export function createRedis(url: string, options: RedisOptions = {}): IORedis {
  return new IORedis({ ...redisOptions(url), ...options });
}

export type Redis = IORedis;

/**
 * Redis's eviction policy, or null when the server hides it (managed Redis may refuse CONFIG). BullMQ needs
 * `noeviction`: under any other policy a full Redis silently drops jobs.
 */
export async function evictionPolicy(redis: IORedis): Promise<string | null> {
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    return reply[1] ?? null;
  } catch {
    return null;
  }
}
