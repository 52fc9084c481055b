import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { EventPublisher } from '../core/realtime/publisher';
import type { Redis } from '../core/redis';
import { heartbeatState } from '../core/status';
import { SCHEDULES } from '../queues/jobs';
import { QUEUES } from '../queues/names';
import { sweepOpenTrades, sweepPendingTrades } from './broker/trade-sweeps';
import type { ActorDefinition } from './host';

interface Deps {
  db: Knex;
  redis: Redis;
  prefix: string;
  logger: Logger;
}

/**
 * Watches the heartbeat from outside: when it goes up or down (the process died without a word, say), every
 * browser is told to refresh its status bar. The last seen state lives in Redis, so any worker can run the check.
 */
export async function watchHeartbeat({
  db,
  redis,
  prefix,
  logger,
}: Deps): Promise<{ active: boolean; changed: boolean }> {
  const { active } = await heartbeatState(db, redis, prefix);
  const key = `${prefix}:watchdog:heartbeat-active`;
  const previous = await redis.getset(key, active ? '1' : '0');
  const changed = previous !== null && previous !== (active ? '1' : '0');
  if (changed) {
    logger.warn({ active }, active ? 'heartbeat back' : 'heartbeat lost');
    await new EventPublisher(redis, prefix).publish('status:changed', { reason: 'heartbeat' }, 'all');
  }
  return { active, changed };
}

export function systemActor(deps: Deps & { redisUrl: string }): ActorDefinition {
  return {
    queue: QUEUES.system,
    process: async (job) => {
      if (job.name === SCHEDULES.watchdog.name) return watchHeartbeat(deps);
      if (job.name === SCHEDULES.pendingTrades.name) return sweepPendingTrades(deps);
      if (job.name === SCHEDULES.openTrades.name) return sweepOpenTrades(deps);
      throw new Error(`unknown system job ${job.name}`);
    },
    schedules: [SCHEDULES.watchdog, SCHEDULES.pendingTrades, SCHEDULES.openTrades].map(({ name, everyMs }) => ({
      name,
      everyMs,
    })),
  };
}
