// A parameter sweep of the EMA cross with its periods as parameters (TUNABLE_EMA_CROSS): 100 combinations (fast 5–50
// × slow 60–150) over a year of 1m candles, from the sweep's rows to its completion, with one worker process and then
// two (each running one simulation at a time, as BACKTEST_CONCURRENCY=1 does). Their ratio is the scaling.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../core/config';
import { createDb, migrateLatest } from '../core/db/knex';
import { TUNABLE_EMA_CROSS } from '../core/sandbox/templates';
import { combinations } from '../core/sweeps/grid';
import { openQueue } from '../queues/connection';
import { QUEUES } from '../queues/names';
import { requestSweep } from '../queues/sweep-jobs';
import { report, save } from './harness';
import { ensureYearOfCandles, YEAR_CANDLES, YEAR_END, YEAR_KEY, YEAR_START } from './year-candles';

const GRID = { fast: { min: 5, max: 50, step: 5 }, slow: { min: 60, max: 150, step: 10 } };
const SPECS = { fast: { default: 10 }, slow: { default: 20 } };
const TIMEOUT_MS = 15 * 60_000;

function startWorker(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = fork(path.join(__dirname, 'sweep-worker.ts'), [], {
    execArgv: ['--no-node-snapshot', '--import', 'tsx'],
    env,
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`sweep worker exited (${code})`)));
  });
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await gone;
}

async function main(): Promise<void> {
  const prefix = `benchsw${process.pid}`;
  const env = { ...process.env, QUEUE_PREFIX: prefix, BACKTEST_CONCURRENCY: '1', LOG_LEVEL: 'warn' };
  const config = loadConfig(env);
  const db = createDb(config.DATABASE_URL);
  await migrateLatest(db);
  await ensureYearOfCandles(db);
  const queue = openQueue(QUEUES.sweep, config.REDIS_URL, prefix);
  const [user] = await db('users')
    .insert({ username: `benchsw${process.pid}`, username_key: `benchsw${process.pid}`, password_hash: 'x' })
    .returning('id');
  const [strategy] = await db('strategies')
    .insert({ user_id: user.id, name: 'EMA', timeframe: '1m', code: TUNABLE_EMA_CROSS })
    .returning('id');
  const { runs } = combinations(SPECS, GRID, [], 1000, 1);

  /** Seconds from the sweep's rows to its completion with `count` worker processes. */
  const sweepWith = async (count: number) => {
    const workers = await Promise.all(Array.from({ length: count }, () => startWorker(env)));
    try {
      const [sweep] = await db('sweeps')
        .insert({
          user_id: user.id,
          strategy_id: strategy.id,
          ...YEAR_KEY,
          start_date: new Date(YEAR_START),
          end_date: new Date(YEAR_END),
          initial_amount: '10000',
          fee: '0.001',
          slippage: '0.0005',
          fill: 'close',
          market: 'spot',
          grid: JSON.stringify(GRID),
          max_runs: 1000,
          combinations: runs.length,
          rank_by: 'finalAmount',
        })
        .returning('id');
      await db('sweep_runs').insert(
        runs.map((params, index) => ({ sweep_id: sweep.id, phase: 'in', index, params: JSON.stringify(params) })),
      );
      const started = performance.now();
      await requestSweep(queue, Number(sweep.id));
      for (;;) {
        const row = await db('sweeps').where({ id: sweep.id }).first('status', 'error_message');
        if (row.status === 'completed') break;
        if (row.status === 'failed') throw new Error(`sweep failed: ${row.error_message}`);
        if (performance.now() - started > TIMEOUT_MS) throw new Error('sweep timed out');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const seconds = (performance.now() - started) / 1000;
      const done = await db('sweep_runs')
        .where({ sweep_id: sweep.id, status: 'completed' })
        .select(
          db.raw('count(*)::int as n'),
          db.raw('avg(duration_ms)::float as ms'),
          db.raw('count(distinct worker)::int as workers'),
        );
      const { n, ms, workers: used } = done[0];
      if (n !== runs.length) throw new Error(`${n} of ${runs.length} runs completed`);
      const durations = (await db('sweep_runs').where({ sweep_id: sweep.id }).pluck('duration_ms')).sort(
        (a, b) => a - b,
      );
      process.stdout.write(`    run durations p10 ${durations[10]} p50 ${durations[50]} p90 ${durations[90]} ms\n`);
      process.stdout.write(
        `    ${count} worker(s): ${seconds.toFixed(1)} s, ${ms.toFixed(0)} ms per run, ${used} worker(s) used\n`,
      );
      return runs.length / seconds;
    } finally {
      await Promise.all(workers.map(stopWorker));
    }
  };

  try {
    const one = await sweepWith(1);
    const two = await sweepWith(2);
    const work = `${runs.length} combinations × ${YEAR_CANDLES.toLocaleString('en')} 1m candles`;
    report('sweep_runs_per_s_1_worker', one, 'runs/s', work);
    report('sweep_runs_per_s_2_workers', two, 'runs/s', work);
    report('sweep_scaling', two / one, '×', 'two worker processes against one');
    save({ sweep_runs_per_s_1_worker: one, sweep_runs_per_s_2_workers: two, sweep_scaling: two / one });
  } finally {
    await db('users').where({ id: user.id }).delete();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await db.destroy();
  }
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
