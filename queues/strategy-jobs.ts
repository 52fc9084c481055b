import type { Queue } from 'bullmq';
import { jobIds, type CloseReason, type JobData } from './jobs';

/** Evaluations and closes stay a day in Redis once done: their ids are what stops a second one for the same key. */
const KEEP = { removeOnComplete: { age: 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 } };

/** One evaluation of an activation for one close; asking again for the same close joins the job already there. */
export async function queueEvaluate(queue: Queue, data: JobData<'strategy', 'evaluate'>): Promise<string> {
  const job = await queue.add('evaluate', data, {
    ...KEEP,
    jobId: jobIds.evaluate(data.activeStrategyId, data.closeTime),
    // An order the exchange has not finished yet (a market order still `open`) is asked for again, later.
    attempts: 5,
    backoff: { type: 'exponential', delay: 1000 },
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
  // A close that ended (done, or refused by the exchange) leaves its id behind: asking again is a new close.
  const done = await queue.getJob(jobIds.close(activeStrategyId, positionId));
  if (done?.finishedOn) await done.remove();
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
