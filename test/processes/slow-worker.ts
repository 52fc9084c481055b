import { startActors } from '../../actors/host';
import { runProcess } from '../../actors/process';

/** A worker process whose only actor takes `data.ms` to finish a job: for the graceful-shutdown test. */
void runProcess('worker', async ({ config, logger }) => {
  const host = await startActors(
    [
      {
        queue: 'system',
        process: async (job) => {
          await new Promise((resolve) => setTimeout(resolve, job.data.ms as number));
          return { finishedAt: Date.now() };
        },
      },
    ],
    { redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX, logger },
  );
  return () => host.close();
});
