import { Worker, type Job, type Processor } from 'bullmq';
import type { Logger } from 'pino';
import { workerOptions, openQueue } from '../queues/connection';
import type { QueueName } from '../queues/names';

/** An actor: the queue that is its mailbox and the function that handles one message. */
export interface ActorDefinition {
  queue: QueueName;
  concurrency?: number;
  /** How long a job stays locked to its worker: a killed worker's job is taken over after about this long. */
  lockMs?: number;
  process: Processor;
  /** Periodic jobs on this queue, upserted at start so that any number of workers share one schedule. */
  schedules?: { name: string; everyMs: number }[];
}

export interface ActorHost {
  workers: Worker[];
  /** Stops taking jobs, lets the active ones finish, then closes the connections. */
  close(): Promise<void>;
}

/** Starts one BullMQ worker per actor. */
export async function startActors(
  actors: ActorDefinition[],
  options: { redisUrl: string; prefix: string; logger: Logger },
): Promise<ActorHost> {
  const { redisUrl, prefix, logger } = options;
  for (const actor of actors) {
    if (!actor.schedules?.length) continue;
    const queue = openQueue(actor.queue, redisUrl, prefix);
    for (const schedule of actor.schedules) {
      await queue.upsertJobScheduler(schedule.name, { every: schedule.everyMs }, { name: schedule.name });
    }
    await queue.close();
  }
  const workers = actors.map((actor) => {
    const worker = new Worker(actor.queue, actor.process, {
      ...workerOptions(redisUrl, prefix, actor.concurrency ?? 1),
      // A short lock is taken over soon after its worker died; a takeover racing the stalled check can count a second
      // stall, which must not fail a job whose effects are idempotent.
      ...(actor.lockMs ? { lockDuration: actor.lockMs, stalledInterval: actor.lockMs, maxStalledCount: 3 } : {}),
    });
    const log = logger.child({ actor: actor.queue });
    worker.on('failed', (job: Job | undefined, error: Error) =>
      log.warn({ jobId: job?.id, jobName: job?.name, err: error }, 'job failed'),
    );
    worker.on('error', (error: Error) => log.error({ err: error }, 'worker error'));
    return worker;
  });
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  return {
    workers,
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
