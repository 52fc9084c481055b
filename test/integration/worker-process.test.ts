// The worker process: it hosts the actors, registers the periodic jobs once, and on SIGTERM stops taking jobs,
// lets the active one finish, and exits 0.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Queue } from 'bullmq';
import { aliveProcesses } from '../../core/liveness';
import { createRedis } from '../../core/redis';
import { queueOptions } from '../../queues/connection';
import { uniqueName } from '../helpers/app';
import { until } from '../helpers/wait';

const ROOT = path.resolve(__dirname, '..', '..');

function startProcess(file: string, prefix: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, file)], {
    cwd: ROOT,
    env: { ...process.env, QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

it('finishes the active job on SIGTERM, takes no new one, and exits 0', async () => {
  const prefix = uniqueName('w');
  const queue = new Queue('system', queueOptions(process.env.REDIS_URL!, prefix));
  const child = startProcess('test/processes/slow-worker.ts', prefix);
  try {
    await until(async () => (await queue.getWorkersCount()) > 0);
    const job = await queue.add('slow', { ms: 1500 });
    await until(async () => (await job.getState()) === 'active');

    const exit = exited(child);
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const late = await queue.add('slow', { ms: 10 });

    expect(await exit).toBe(0);
    expect(await job.getState()).toBe('completed');
    const done = await queue.getJob(job.id!);
    expect(done?.returnvalue.finishedAt).toBeGreaterThan(job.timestamp);
    expect(await late.getState()).toBe('waiting');
  } finally {
    child.kill('SIGKILL');
    await queue.obliterate({ force: true });
    await queue.close();
  }
});

it('the real worker announces itself, schedules its periodic jobs once, and stops cleanly', async () => {
  const prefix = uniqueName('w');
  const redis = createRedis(process.env.REDIS_URL!);
  const queue = new Queue('system', queueOptions(process.env.REDIS_URL!, prefix));
  const first = startProcess('actors/worker.main.ts', prefix);
  const second = startProcess('actors/worker.main.ts', prefix);
  try {
    await until(async () => (await aliveProcesses(redis, prefix, 'worker')).length === 2);
    const schedulers = await until(async () => {
      const list = await queue.getJobSchedulers();
      return list.length >= 3 ? list : undefined;
    });
    expect(schedulers.map((s) => s.key).sort()).toEqual(['open-trades', 'pending-trades', 'watchdog']);

    const exits = [exited(first), exited(second)];
    first.kill('SIGTERM');
    second.kill('SIGTERM');
    expect(await Promise.all(exits)).toEqual([0, 0]);
    expect(await aliveProcesses(redis, prefix, 'worker')).toEqual([]);
  } finally {
    first.kill('SIGKILL');
    second.kill('SIGKILL');
    await queue.obliterate({ force: true });
    await queue.close();
    await redis.quit();
  }
});
