import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { config, type Config, ConfigError } from '../core/config';
import { createDb } from '../core/db/knex';
import { announceLiveness, type ProcessRole } from '../core/liveness';
import { createLogger } from '../core/logger';
import { createRedis, type Redis } from '../core/redis';

/**
 * Each live evaluation holds a connection while the broker actor, in this process too, writes its trades: the pool
 * leaves the actors room beside the evaluations (a pool they could fill would stall every order).
 */
export function workerPool(config: Pick<Config, 'LIVE_CONCURRENCY'>): { min: number; max: number } {
  return { min: 0, max: Math.max(10, 2 * config.LIVE_CONCURRENCY + 4) };
}

export interface ProcessContext {
  config: Config;
  logger: Logger;
  db: Knex;
  redis: Redis;
}

/**
 * The frame of every long-running process: config validated once, logger, database, Redis, a liveness key, and a
 * graceful stop on SIGTERM/SIGINT (the `stop` callback runs once, then the connections close and the process exits 0).
 */
export async function runProcess(
  role: ProcessRole,
  start: (ctx: ProcessContext) => Promise<() => Promise<void>>,
): Promise<void> {
  let cfg: Config;
  try {
    cfg = config();
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const logger = createLogger(cfg.LOG_LEVEL, role);
  const db = createDb(cfg.DATABASE_URL, workerPool(cfg));
  const redis = createRedis(cfg.REDIS_URL);
  const ctx: ProcessContext = { config: cfg, logger, db, redis };
  const stopLiveness = role === 'web' ? async () => undefined : announceLiveness(redis, cfg.QUEUE_PREFIX, role);
  let stop: (() => Promise<void>) | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, `${role} stopping`);
    try {
      // A signal during start waits for the start to finish, so what was opened gets closed.
      await started;
      await stop?.();
      await stopLiveness();
      await db.destroy();
      await redis.quit();
      logger.info(`${role} stopped`);
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'unclean stop');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  const started = start(ctx).then(
    (stopFn) => {
      stop = stopFn;
      logger.info({ pid: process.pid }, `${role} started`);
    },
    (error: unknown) => {
      logger.fatal({ err: error }, 'start failed');
      process.exit(1);
    },
  );
  await started;
}
