import type { Queue } from 'bullmq';
import { jobIds } from './jobs';

/** Webhook jobs stay a day once done: their id is what stops the same webhook from being processed twice. */
const KEEP = { removeOnComplete: { age: 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 } };

/** Queues the processing of a stored webhook; queueing it again (the endpoint, then a sweep) joins the same job. */
export async function queueWebhook(queue: Queue, webhookId: number): Promise<string> {
  const job = await queue.add(
    'process',
    { webhookId },
    {
      ...KEEP,
      jobId: jobIds.webhook(webhookId),
      // An order the exchange has not finished yet is asked for again, later; its business key keeps it single.
      attempts: 5,
      backoff: { type: 'exponential', delay: 500 },
    },
  );
  return job.id!;
}
