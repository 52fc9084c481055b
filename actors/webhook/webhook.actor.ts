import type { Queue } from 'bullmq';
import type { Knex } from 'knex';
import { SCHEDULES, type JobData } from '../../queues/jobs';
import { QUEUES } from '../../queues/names';
import { queueWebhook } from '../../queues/webhook-jobs';
import type { ActorDefinition } from '../host';
import { processWebhook, type WebhookDeps } from './process-webhook';
import { adoptFilledEntries } from './webhook-entries';
import { protectWebhookPositions } from './webhook-exits';

/** How long a stored webhook may wait for its job before the sweep queues it: the endpoint queues it at once. */
const SWEEP_AFTER_MS = 20_000;

/**
 * Webhooks left `received` with no job: stored while Redis was away. Queued again under their own job id, so one
 * still waiting (the worker down) is joined, not doubled.
 */
export async function sweepWebhooks(db: Knex, queue: Queue, now = Date.now()): Promise<number> {
  const rows: { id: number }[] = await db('webhooks')
    .where({ status: 'received' })
    .where('created_at', '<', new Date(now - SWEEP_AFTER_MS))
    .where('created_at', '>', new Date(now - 24 * 3600_000))
    .orderBy('id')
    .limit(1000)
    .select('id');
  for (const row of rows) await queueWebhook(queue, Number(row.id));
  return rows.length;
}

/**
 * The webhook actor: each stored TradingView signal turned into orders. Any number of workers share its queue; one
 * source's signals are worked on one at a time (its row lock), in any order between sources.
 */
export function webhookActor(
  deps: WebhookDeps & { queue: Queue; concurrency: number; lockMs: number },
): ActorDefinition {
  return {
    queue: QUEUES.webhook,
    concurrency: deps.concurrency,
    lockMs: deps.lockMs,
    process: async (job) => {
      if (job.name === SCHEDULES.webhookSweep.name) return sweepWebhooks(deps.db, deps.queue);
      if (job.name === SCHEDULES.webhookProtect.name) {
        await adoptFilledEntries(deps, Date.now());
        return protectWebhookPositions(deps, Date.now());
      }
      if (job.name !== 'process') throw new Error(`unknown webhook job ${job.name}`);
      const { webhookId } = job.data as JobData<'webhook', 'process'>;
      return processWebhook(deps, webhookId, job.attemptsMade + 1 >= (job.opts.attempts ?? 1));
    },
    schedules: [SCHEDULES.webhookSweep, SCHEDULES.webhookProtect].map(({ name, everyMs }) => ({ name, everyMs })),
  };
}
