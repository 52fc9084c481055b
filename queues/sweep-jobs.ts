import { FlowProducer, type Queue } from 'bullmq';
import { queueConnection } from './connection';
import { jobIds, type SweepPhase } from './jobs';
import { QUEUES } from './names';

const KEEP = { removeOnComplete: { age: 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 } };

/** Asks for a sweep's preparation; its id is the sweep's, so asking twice prepares it once. */
export async function requestSweep(queue: Queue, sweepId: number): Promise<void> {
  await queue.add('prepare', { sweepId }, { ...KEEP, jobId: jobIds.sweepPrepare(sweepId), attempts: 2 });
}

/** Adds a phase's runs under the gather job of that phase (BullMQ runs the parent once every child is done). */
export async function addSweepPhase(
  flows: FlowProducer,
  sweepId: number,
  phase: SweepPhase,
  runIds: number[],
): Promise<void> {
  await flows.add({
    name: 'gather',
    queueName: QUEUES.sweep,
    data: { sweepId, phase },
    opts: { ...KEEP, jobId: jobIds.sweepGather(sweepId, phase), attempts: 3 },
    children: runIds.map((runId) => ({
      name: 'run',
      queueName: QUEUES.sweep,
      data: { sweepId, runId },
      // A run that fails for good (its worker died twice) must not hold the gathering: it is counted as failed.
      opts: { ...KEEP, jobId: jobIds.sweepRun(runId), attempts: 2, ignoreDependencyOnFailure: true },
    })),
  });
}

export function openFlowProducer(redisUrl: string, prefix: string): FlowProducer {
  return new FlowProducer({ connection: queueConnection(redisUrl), prefix });
}
