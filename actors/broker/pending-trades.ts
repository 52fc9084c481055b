import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Redis } from '../../core/redis';
import { openQueue } from '../../queues/connection';
import { brokerQueue, brokersChannel, type QueuedBrokerJob } from './broker-jobs';

/** A pending trade untouched for this long, with no job left to finish it, is settled by a reconcile job. */
export const PENDING_TRADE_GRACE_MS = 2 * 60_000;

/** States in which an order's own job will still settle its trade (retries included). */
const ALIVE = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/**
 * Finds trades left `pending` (a job that gave up on an uncertain answer, or lost with Redis) and queues, on each
 * one's broker queue, a job that asks the exchange for the order by its client order id and records what it says.
 * The reconcile job runs in the broker's queue, so never alongside that broker's order jobs; a trade whose order job
 * is still waiting, running or due for a retry is left to it.
 */
export async function sweepPendingTrades(deps: {
  db: Knex;
  redis: Redis;
  redisUrl: string;
  prefix: string;
  logger: Logger;
  graceMs?: number;
}): Promise<{ queued: number[]; leftToTheirJob: number[] }> {
  const { db, redis, redisUrl, prefix, logger } = deps;
  const rows: { id: number; broker_id: number; client_order_id: string }[] = await db('trades')
    .select('id', 'broker_id', 'client_order_id')
    .where({ status: 'pending' })
    .whereNotNull('broker_id')
    .whereNotNull('client_order_id')
    .where('updated_at', '<', new Date(Date.now() - (deps.graceMs ?? PENDING_TRADE_GRACE_MS)))
    .orderBy('id')
    .limit(200);
  const queued: number[] = [];
  const leftToTheirJob: number[] = [];
  const byBroker = new Map<number, typeof rows>();
  for (const row of rows) byBroker.set(Number(row.broker_id), [...(byBroker.get(Number(row.broker_id)) ?? []), row]);
  for (const [brokerId, trades] of byBroker) {
    // The workers serve every broker they know; this one may be newer than them.
    await redis.publish(brokersChannel(prefix), String(brokerId));
    const queue = openQueue(brokerQueue(brokerId), redisUrl, prefix);
    try {
      for (const trade of trades) {
        const orderJob = `order-${trade.client_order_id}`;
        if (ALIVE.has(await queue.getJobState(orderJob))) {
          leftToTheirJob.push(Number(trade.id));
          continue;
        }
        const data: QueuedBrokerJob<'reconcileOrder'> = { brokerId, tradeId: Number(trade.id) };
        // Removed when done, so that a trade still pending (exchange unreachable) is tried again at the next sweep.
        await queue.add('reconcileOrder', data, {
          jobId: `reconcile-${trade.id}`,
          removeOnComplete: true,
          removeOnFail: true,
        });
        queued.push(Number(trade.id));
      }
    } finally {
      await queue.close();
    }
  }
  if (queued.length) logger.info({ trades: queued }, 'pending trades sent to reconcile');
  return { queued, leftToTheirJob };
}
