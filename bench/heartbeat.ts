import type { Queue } from 'bullmq';
import type { Knex } from 'knex';
import { HeartbeatActor } from '../actors/heartbeat/heartbeat.actor';
import type { Config } from '../core/config';
import { createLogger } from '../core/logger';
import type { EventPublisher } from '../core/realtime/publisher';
import { createRedis } from '../core/redis';
import { openQueue } from '../queues/connection';
import { ManualClock } from '../test/helpers/manual-clock';

export const MINUTE = 60_000;
export const GRACE_MS = 1_000;

/**
 * A heartbeat actor on a manual clock, connected to `wsUrl`/`restUrl` and past its priming, so that what follows
 * measures the steady state. `start` is the minute it connected in.
 */
export async function startBenchHeartbeat(options: {
  config: Config;
  db: Knex;
  publisher: EventPublisher;
  urls: { wsUrl: string; restUrl: string };
  symbol: string;
  clock: ManualClock;
  start: number;
}): Promise<{ actor: HeartbeatActor; close(): Promise<void> }> {
  const { config, db, publisher, urls, symbol, clock, start } = options;
  const redis = createRedis(config.REDIS_URL);
  const tickQueue: Queue = openQueue('tick', config.REDIS_URL, config.QUEUE_PREFIX);
  const actor = new HeartbeatActor({
    db,
    redis,
    publisher,
    tickQueue,
    logger: createLogger('silent', 'bench'),
    clock,
    settings: {
      ...urls,
      symbols: [symbol],
      stream: 'trade',
      graceMs: GRACE_MS,
      replayMaxMs: 120_000,
      backfillMaxMs: 3_600_000,
      idleTimeoutMs: 60_000,
      lockTtlMs: 10_000,
      prefix: config.QUEUE_PREFIX,
    },
  });
  await actor.start();
  while (actor.stats.connections === 0) await new Promise((r) => setTimeout(r, 2));
  await clock.advanceTo(start + MINUTE + GRACE_MS, () => actor.idle());
  await actor.idle();
  return {
    actor,
    close: async () => {
      await actor.stop();
      await tickQueue.obliterate({ force: true });
      await tickQueue.close();
      await redis.quit();
    },
  };
}
