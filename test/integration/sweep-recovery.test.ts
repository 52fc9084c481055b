// A sweep survives a worker process killed (SIGKILL) in the middle of a run: the run's job stalls, another worker
// takes it over and runs it, and every combination ends with exactly one row, completed.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { TUNABLE_EMA_CROSS } from '../../core/sandbox/templates';
import { signedInClient, uniqueName } from '../helpers/app';
import { importCandles } from '../helpers/backtests';
import { btcHourlyCandles } from '../helpers/market-data';
import { startTradingStack } from '../helpers/trading';
import { until } from '../helpers/wait';

const ROOT = path.resolve(__dirname, '..', '..');

describe('sweep recovery', () => {
  let stack: Awaited<ReturnType<typeof startTradingStack>>;
  const children: ChildProcess[] = [];
  const rows = btcHourlyCandles(30_000, 31_000);

  function startWorker(): ChildProcess {
    const child = spawn(
      process.execPath,
      ['--no-node-snapshot', '--import', 'tsx', path.join(ROOT, 'actors/worker.main.ts')],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          QUEUE_PREFIX: stack.app.config.QUEUE_PREFIX,
          BROKER_JOB_LOCK_MS: '1000',
          SANDBOX_THREADS: '1',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    children.push(child);
    return child;
  }

  beforeAll(async () => {
    stack = await startTradingStack({}, false);
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await stack.close();
  });

  it('finishes every combination once when the worker running one dies', async () => {
    const client = await signedInClient(stack.app);
    const source = await importCandles(client, rows);
    // About a second per run: the kill lands inside one.
    const slow = TUNABLE_EMA_CROSS.replace(
      'if (this.candles.length <= this.params.slow) return false; // pas assez de données',
      'const until = Date.now() + 1; while (Date.now() < until) {}',
    );
    const strategy = await client.send('post', '/api/strategies', {
      name: uniqueName('s'),
      timeframe: '1h',
      code: slow,
    });
    const first = startWorker();
    const res = await client.send('post', '/api/sweeps', {
      strategyId: strategy.body.id,
      source,
      symbol: 'BTC/USDT',
      timeframe: '1h',
      from: new Date(rows[0][0]).toISOString(),
      to: new Date(rows[900][0]).toISOString(),
      initialAmount: '10000',
      params: { fast: [5, 6, 7, 8] },
    });
    expect(res.status).toBe(201);
    const id = res.body.id;
    // One run done, the next one under way: kill the worker in the middle of it.
    await until(() => stack.app.db('sweep_runs').where({ sweep_id: id, status: 'completed' }).first(), 60_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const exited = new Promise((resolve) => first.once('exit', resolve));
    first.kill('SIGKILL');
    await exited;
    const doneAtKill = Number(
      (await stack.app.db('sweep_runs').where({ sweep_id: id, status: 'completed' }).count())[0].count,
    );
    expect(doneAtKill).toBeLessThan(4);
    startWorker();

    const sweep = await until(async () => {
      const body = (await client.get(`/api/sweeps/${id}`)).body;
      return body.status === 'completed' ? body : undefined;
    }, 60_000);
    const runs = sweep.runs as { index: number; status: string; worker: string }[];
    expect(runs.map((r) => [r.index, r.status])).toEqual([
      [0, 'completed'],
      [1, 'completed'],
      [2, 'completed'],
      [3, 'completed'],
    ]);
    // The second worker did what the first left, the run it was killed in included.
    expect(new Set(runs.map((r) => r.worker)).size).toBe(2);
    expect(await stack.app.db('sweep_runs').where({ sweep_id: id }).count()).toEqual([{ count: 4 }]);
  }, 150_000);
});
