import type { ServerEventPayload } from '../../core/realtime/events';
import { TUNABLE_EMA_CROSS } from '../../core/sandbox/templates';
import { signedInClient, uniqueName, type Client } from '../helpers/app';
import { importCandles } from '../helpers/backtests';
import { startBacktestWorker, startSweepWorker } from '../helpers/brokers';
import { btcHourlyCandles } from '../helpers/market-data';
import { startTradingStack } from '../helpers/trading';
import { until } from '../helpers/wait';

interface SweepRun {
  phase: 'in' | 'out';
  index: number;
  params: Record<string, number>;
  status: string;
  metric: number | null;
  finalAmount: string | null;
  stats: Record<string, number | string | null> | null;
  error: string | null;
  worker: string | null;
}
interface SweepDetail {
  id: number;
  status: string;
  phase: string;
  combinations: number;
  error: string | null;
  progress: { done: number; total: number; etaSeconds: number | null };
  runs: SweepRun[];
}

describe('parameter sweeps', () => {
  let stack: Awaited<ReturnType<typeof startTradingStack>>;
  const workers: { close(): Promise<void> }[] = [];
  const rows = btcHourlyCandles(30_000, 33_000);
  const iso = (t: number) => new Date(t).toISOString();
  const events: ServerEventPayload<'sweep:progress'>[] = [];
  let source: string;
  let owner: Client;
  let strategyId: number;

  beforeAll(async () => {
    stack = await startTradingStack({ SANDBOX_TIMEOUT_MS: '500' }, false);
    const { app } = stack;
    const original = app.publisher.publish.bind(app.publisher);
    app.publisher.publish = (async (event: string, payload: unknown, target: unknown) => {
      if (event === 'sweep:progress') events.push(payload as ServerEventPayload<'sweep:progress'>);
      return original(event as never, payload as never, target as never);
    }) as typeof app.publisher.publish;
    // Two sweep workers (as two worker processes would be) and the backtest actor for the single runs compared.
    workers.push(await startSweepWorker(app, 'worker-a'), await startSweepWorker(app, 'worker-b'));
    workers.push(await startBacktestWorker(app));
    owner = await signedInClient(app);
    source = await importCandles(owner, rows);
    strategyId = await strategyOf(owner, TUNABLE_EMA_CROSS);
  });
  afterAll(async () => {
    for (const worker of workers) await worker.close();
    await stack.close();
  });

  async function strategyOf(client: Client, code: string): Promise<number> {
    const res = await client.send('post', '/api/strategies', { name: uniqueName('s'), timeframe: '1h', code });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  const body = (fields: Record<string, unknown> = {}) => ({
    strategyId,
    source,
    symbol: 'BTC/USDT',
    timeframe: '1h',
    from: iso(rows[0][0]),
    to: iso(rows[1500][0]),
    initialAmount: '10000',
    params: { fast: { min: 5, max: 15, step: 5 }, slow: [20, 30] },
    ...fields,
  });

  const settled = async (client: Client, id: number, timeout = 30_000): Promise<SweepDetail> => {
    let detail = {} as SweepDetail;
    await until(async () => {
      detail = (await client.get(`/api/sweeps/${id}`)).body;
      return ['completed', 'failed', 'cancelled'].includes(detail.status);
    }, timeout);
    return detail;
  };

  const backtestFinal = async (params: Record<string, number>, from: number, to: number) => {
    const res = await owner.send('post', '/api/backtests', { ...body(), from: iso(from), to: iso(to), params });
    expect(res.status).toBe(201);
    let run: { status: string; finalAmount: string | null; params: Record<string, number> | null } = {
      status: '',
      finalAmount: null,
      params: null,
    };
    await until(async () => {
      run = (await owner.get(`/api/backtests/${res.body.id}`)).body;
      return ['completed', 'failed'].includes(run.status);
    }, 20_000);
    expect(run.status).toBe('completed');
    expect(run.params).toEqual(params);
    return run.finalAmount;
  };

  it('runs every combination over the workers, ranks them, and re-runs the best out of sample', async () => {
    const res = await owner.send(
      'post',
      '/api/sweeps',
      body({
        constraints: ['fast < slow'],
        rankBy: 'finalAmount',
        outOfSample: { from: iso(rows[1500][0]), to: iso(rows[2900][0]) },
        outOfSampleTop: 2,
      }),
    );
    expect(res.status).toBe(201);
    // fast 5/10/15 × slow 20/30, all with fast < slow.
    expect(res.body).toMatchObject({ runs: 6, combinations: 6 });
    const sweep = await settled(owner, res.body.id);
    expect(sweep.status).toBe('completed');
    const inSample = sweep.runs.filter((r) => r.phase === 'in');
    const outOfSample = sweep.runs.filter((r) => r.phase === 'out');
    expect(inSample.map((r) => [r.params.fast, r.params.slow])).toEqual([
      [5, 20],
      [5, 30],
      [10, 20],
      [10, 30],
      [15, 20],
      [15, 30],
    ]);
    expect(inSample.every((r) => r.status === 'completed' && r.stats !== null)).toBe(true);
    // The combinations did not all trade alike: the parameters reached the strategy.
    expect(new Set(inSample.map((r) => r.finalAmount)).size).toBeGreaterThan(3);
    expect(inSample.every((r) => r.metric === Number(r.finalAmount))).toBe(true);
    // Spread over both workers.
    expect(new Set(inSample.map((r) => r.worker))).toEqual(new Set(['worker-a', 'worker-b']));

    // The two best in-sample combinations, run again on the later dates.
    const best = [...inSample].sort((a, b) => b.metric! - a.metric! || a.index - b.index).slice(0, 2);
    expect(outOfSample.map((r) => r.index).sort()).toEqual(best.map((r) => r.index).sort());
    expect(outOfSample.every((r) => r.status === 'completed')).toBe(true);

    // A run of the sweep is the backtest of the same values, to the cent.
    const [first] = best;
    expect(await backtestFinal(first.params, rows[0][0], rows[1500][0])).toBe(first.finalAmount);
    const out = outOfSample.find((r) => r.index === first.index)!;
    expect(await backtestFinal(first.params, rows[1500][0], rows[2900][0])).toBe(out.finalAmount);

    const mine = events.filter((e) => e.id === sweep.id);
    expect(mine.some((e) => e.status === 'running' && e.phase === 'in' && e.done > 0 && e.done < 6)).toBe(true);
    expect(mine.at(-1)).toMatchObject({ status: 'completed', phase: 'out', done: 2, total: 2 });
    const listed = (await owner.get('/api/sweeps').expect(200)).body as { id: number }[];
    expect(listed[0].id).toBe(sweep.id);
  });

  it('lists what a strategy declares, for the forms', async () => {
    const declared = (await owner.get(`/api/strategies/${strategyId}/params`).expect(200)).body;
    expect(declared).toEqual({
      fast: { default: 10, min: 5, max: 30, step: 5 },
      slow: { default: 20, min: 10, max: 60, step: 10 },
    });
    const broken = await strategyOf(owner, 'class P extends Strategy { static params = { a: { default: "x" } }; }');
    const refused = await owner.get(`/api/strategies/${broken}/params`);
    expect([refused.status, refused.body.error.field]).toEqual([400, 'strategyId']);
    expect(refused.body.error.message).toMatch(/paramètre « a » : default doit être un nombre/);
  });

  it('samples at most maxRuns combinations, the same ones for the same request', async () => {
    const grid = { params: { fast: { min: 2, max: 20, step: 1 }, slow: [30, 40, 50] }, maxRuns: 7 };
    const first = await owner.send('post', '/api/sweeps', body({ ...grid, to: iso(rows[300][0]) }));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ runs: 7, combinations: 57 });
    const again = await owner.send('post', '/api/sweeps', body({ ...grid, to: iso(rows[300][0]) }));
    const a = await settled(owner, first.body.id);
    const b = await settled(owner, again.body.id);
    expect(a.runs.map((r) => r.params)).toEqual(b.runs.map((r) => r.params));
    expect(a.runs).toHaveLength(7);
  });

  it('refuses a bad request naming the field, and writes nothing', async () => {
    const before = await stack.app.db('sweeps').count();
    const refused = async (fields: Record<string, unknown>, field: string, message: RegExp) => {
      const res = await owner.send('post', '/api/sweeps', body(fields));
      expect([res.status, res.body.error?.field]).toEqual([400, field]);
      expect(res.body.error.message).toMatch(message);
    };
    await refused(
      { params: { speed: [1, 2] } },
      'params.speed',
      /Paramètre inconnu : speed \(la stratégie déclare fast, slow\)/,
    );
    await refused({ params: { fast: { min: 10, max: 5, step: 1 } } }, 'params.fast', /min doit être inférieur/);
    await refused({ params: { fast: { min: 1, max: 5000, step: 1 } } }, 'params.fast', /1000 valeurs au plus/);
    await refused({ constraints: ['fast < speed'] }, 'constraints.0', /speed n’est pas un paramètre/);
    await refused({ constraints: ['fast <'] }, 'constraints.0', /forme attendue/);
    await refused({ constraints: ['fast > 100'] }, 'constraints', /aucune combinaison/);
    await refused({ rankBy: 'luck' }, 'rankBy', /Classement/);
    await refused(
      { outOfSample: { from: iso(rows[1000][0]), to: iso(rows[2000][0]) } },
      'outOfSample.from',
      /chevaucher/,
    );
    await refused({ maxRuns: 5000 }, 'maxRuns', /Combinaisons au plus/);
    const plain = await strategyOf(owner, 'class P extends Strategy { shouldLong() { return false; } }');
    await refused(
      { strategyId: plain, params: { fast: [1] } },
      'params.fast',
      /n’en déclare aucun : ajoutez static params/,
    );
    const broken = await strategyOf(owner, 'class P extends Strategy { static params = 3; }');
    await refused({ strategyId: broken }, 'strategyId', /Stratégie : TypeError : static params doit être un objet/);
    expect(await stack.app.db('sweeps').count()).toEqual(before);
  });

  it('cancels within a second: running and waiting runs stop, nothing more is written', async () => {
    const slow = TUNABLE_EMA_CROSS.replace(
      'if (this.candles.length <= this.params.slow) return false; // pas assez de données',
      'const until = Date.now() + 1; while (Date.now() < until) {}',
    );
    const res = await owner.send(
      'post',
      '/api/sweeps',
      body({ strategyId: await strategyOf(owner, slow), params: { fast: [5, 6, 7, 8, 9, 10, 11, 12] } }),
    );
    expect(res.status).toBe(201);
    const id = res.body.id;
    await until(async () => (await owner.get(`/api/sweeps/${id}`)).body.status === 'running', 10_000);
    const asked = Date.now();
    expect((await owner.send('post', `/api/sweeps/${id}/cancel`)).status).toBe(202);
    expect((await owner.get(`/api/sweeps/${id}`)).body.status).toBe('cancelled');
    await until(async () => {
      const runs = (await owner.get(`/api/sweeps/${id}`)).body.runs as SweepRun[];
      return runs.every((r) => r.status !== 'queued');
    }, 5000);
    expect(Date.now() - asked).toBeLessThan(2500);
    const runs = ((await owner.get(`/api/sweeps/${id}`)).body as SweepDetail).runs;
    expect(runs.filter((r) => r.status === 'cancelled').length).toBeGreaterThanOrEqual(6);
    expect((await owner.send('post', `/api/sweeps/${id}/cancel`)).status).toBe(409);
    expect((await owner.send('delete', `/api/sweeps/${id}`)).status).toBe(204);
    expect(await stack.app.db('sweep_runs').where({ sweep_id: id }).count()).toEqual([{ count: 0 }]);
  });

  it('runs at most two sweeps of a user at once', async () => {
    const user = await signedInClient(stack.app);
    const slow = TUNABLE_EMA_CROSS.replace(
      'if (this.candles.length <= this.params.slow) return false; // pas assez de données',
      'const until = Date.now() + 1; while (Date.now() < until) {}',
    );
    const mine = await strategyOf(user, slow);
    const theirs = await importCandles(user, rows);
    const ask = () =>
      user.send('post', '/api/sweeps', body({ strategyId: mine, source: theirs, params: { fast: [5, 6, 7, 8] } }));
    const [a, b] = [await ask(), await ask()];
    expect([a.status, b.status]).toEqual([201, 201]);
    const third = await ask();
    expect([third.status, third.body.error.code]).toEqual([409, 'SWEEPS_BUSY']);
    // Another user is not held back by this one's.
    expect(
      (await owner.send('post', '/api/sweeps', body({ params: { fast: [5] }, to: iso(rows[100][0]) }))).status,
    ).toBe(201);
    await user.send('post', `/api/sweeps/${a.body.id}/cancel`);
    expect((await ask()).status).toBe(201);
    for (const sweep of (await user.get('/api/sweeps')).body as { id: number; status: string }[]) {
      if (['queued', 'loading', 'running'].includes(sweep.status))
        await user.send('post', `/api/sweeps/${sweep.id}/cancel`);
    }
  });

  it('keeps sweeps to their owner', async () => {
    const res = await owner.send('post', '/api/sweeps', body({ params: { fast: [5] }, to: iso(rows[200][0]) }));
    const id = res.body.id;
    const intruder = await signedInClient(stack.app);
    expect((await intruder.get(`/api/sweeps/${id}`)).status).toBe(404);
    expect((await intruder.send('post', `/api/sweeps/${id}/cancel`)).status).toBe(404);
    expect((await intruder.send('delete', `/api/sweeps/${id}`)).status).toBe(404);
    expect(((await intruder.get('/api/sweeps')).body as unknown[]).length).toBe(0);
    const stolen = await intruder.send('post', '/api/sweeps', body());
    expect([stolen.status, stolen.body.error.field]).toEqual([400, 'strategyId']);
    expect((await settled(owner, id)).status).toBe('completed');
  });

  it('runs a single backtest with given parameter values, and refuses names the strategy does not declare', async () => {
    const bad = await owner.send('post', '/api/backtests', { ...body(), params: { speed: 3 } });
    expect([bad.status, bad.body.error?.field]).toEqual([400, 'params']);
    expect(bad.body.error.message).toMatch(/Paramètre inconnu : speed/);
    const tuned = await backtestFinal({ fast: 5, slow: 40 }, rows[0][0], rows[800][0]);
    const defaults = await backtestFinal({}, rows[0][0], rows[800][0]);
    expect(tuned).not.toBe(defaults);
  });
});
