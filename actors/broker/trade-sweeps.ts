import type { Queue } from 'bullmq';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Redis } from '../../core/redis';
import { openQueue } from '../../queues/connection';
import { jobIds } from '../../queues/jobs';
import { brokerQueue, brokersChannel, type BrokerJobName, type QueuedBrokerJob } from '../../queues/broker-jobs';

/** A pending trade untouched for this long, with no job left to finish it, is settled by a reconcile job. */
export const PENDING_TRADE_GRACE_MS = 2 * 60_000;

/** States in which an order's own job will still settle its trade (retries included). */
const ALIVE = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

interface SweepDeps {
  db: Knex;
  redis: Redis;
  redisUrl: string;
  prefix: string;
  logger: Logger;
}

/**
 * Runs `work` with each broker's queue. A sweep's jobs go through the broker's queue, so they never run alongside
 * that broker's other jobs (an order being placed), and are paced like them.
 */
async function onBrokerQueues(
  { redis, redisUrl, prefix }: SweepDeps,
  brokerIds: number[],
  work: (queue: Queue, brokerId: number) => Promise<void>,
): Promise<void> {
  for (const brokerId of new Set(brokerIds)) {
    // The workers serve every broker they know; this one may be newer than them.
    await redis.publish(brokersChannel(prefix), String(brokerId));
    const queue = openQueue(brokerQueue(brokerId), redisUrl, prefix);
    try {
      await work(queue, brokerId);
    } finally {
      await queue.close();
    }
  }
}

/** Queues a sweep's job once: removed when done, so that the next sweep can ask again if there is still work. */
async function queueOnce<N extends BrokerJobName>(queue: Queue, name: N, data: QueuedBrokerJob<N>, jobId: string) {
  await queue.add(name, data, { jobId, removeOnComplete: true, removeOnFail: true });
}

/**
 * Finds trades left `pending` (a job that gave up on an uncertain answer, or lost with Redis) and queues, for each,
 * a job that asks the exchange for the order by its client order id and records what it says. A trade whose order
 * job is still waiting, running or due for a retry is left to it.
 */
export async function sweepPendingTrades(
  deps: SweepDeps & { graceMs?: number },
): Promise<{ queued: number[]; leftToTheirJob: number[] }> {
  const rows: { id: number; broker_id: number; client_order_id: string }[] = await deps
    .db('trades')
    .select('id', 'broker_id', 'client_order_id')
    .where({ status: 'pending' })
    .whereNotNull('broker_id')
    .whereNotNull('client_order_id')
    .where('updated_at', '<', new Date(Date.now() - (deps.graceMs ?? PENDING_TRADE_GRACE_MS)))
    .orderBy('id')
    .limit(200);
  const queued: number[] = [];
  const leftToTheirJob: number[] = [];
  await onBrokerQueues(
    deps,
    rows.map((row) => Number(row.broker_id)),
    async (queue, brokerId) => {
      for (const trade of rows.filter((row) => Number(row.broker_id) === brokerId)) {
        const tradeId = Number(trade.id);
        if (ALIVE.has(await queue.getJobState(jobIds.orderOf(trade.client_order_id)))) {
          leftToTheirJob.push(tradeId);
          continue;
        }
        await queueOnce(queue, 'reconcileOrder', { brokerId, tradeId }, jobIds.reconcile(tradeId));
        queued.push(tradeId);
      }
    },
  );
  if (queued.length) deps.logger.info({ trades: queued }, 'pending trades sent to reconcile');
  return { queued, leftToTheirJob };
}

/**
 * Brokers with trades still open at their exchange (resting limit orders) get a job that asks the exchange for each
 * one and records fills and cancellations, so the trades the pages show follow the exchange without anyone opening
 * the order. On the paper exchange, that same question is what fills the resting orders the market has reached.
 */
export async function sweepOpenTrades(deps: SweepDeps): Promise<{ brokers: number[] }> {
  const rows: { broker_id: number }[] = await deps
    .db('trades')
    .distinct('broker_id')
    .where({ status: 'open' })
    .whereNotNull('broker_id')
    .whereNotNull('exchange_order_id');
  const brokers = rows.map((row) => Number(row.broker_id));
  await onBrokerQueues(deps, brokers, (queue, brokerId) =>
    queueOnce(queue, 'syncOpenTrades', { brokerId }, jobIds.syncOpen(brokerId)),
  );
  return { brokers };
}
