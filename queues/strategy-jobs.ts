import type { Queue } from 'bullmq';
import { jobIds, type CloseReason, type JobData } from './jobs';

/** Evaluations and closes stay a day in Redis once done: their ids are what stops a second one for the same key. */
const KEEP = { removeOnComplete: { age: 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 } };

/** One evaluation of an activation for one close; asking again for the same close joins the job already there. */
export async function queueEvaluate(queue: Queue, data: JobData<'strategy', 'evaluate'>): Promise<string> {
  const job = await queue.add('evaluate', data, {
    ...KEEP,
    jobId: jobIds.evaluate(data.activeStrategyId, data.closeTime),
    attempts: 3,
    backoff: { type: 'exponential', delay: 500 },
  });
  return job.id!;
}

/** Closes a position at market; one job per position, however many times it is asked (two clicks, Stop, emergency). */
export async function queueClose(
  queue: Queue,
  activeStrategyId: number,
  positionId: number,
  reason: CloseReason,
): Promise<string> {
  const job = await queue.add(
    'close',
    { activeStrategyId, positionId, reason },
    {
      ...KEEP,
      jobId: jobIds.close(activeStrategyId, positionId),
      attempts: 3,
      backoff: { type: 'exponential', delay: 500 },
    },
  );
  return job.id!;
}
