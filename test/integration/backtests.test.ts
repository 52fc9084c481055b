import type { ServerEventPayload } from '../../core/realtime/events';
import { EXAMPLE_STRATEGY } from '../../core/sandbox/templates';
import { signedInClient, uniqueName, type Client } from '../helpers/app';
import { startBacktestWorker } from '../helpers/brokers';
import { btcHourlyCandles } from '../helpers/market-data';
import { startTradingStack } from '../helpers/trading';
import { until } from '../helpers/wait';

describe('backtests', () => {
  let stack: Awaited<ReturnType<typeof startTradingStack>>;
  let host: { close(): Promise<void> };
  const rows = btcHourlyCandles(30_000, 33_000);
  const iso = (t: number) => new Date(t).toISOString();
  const events: ServerEventPayload<'backtest:progress'>[] = [];

  beforeAll(async () => {
    stack = await startTradingStack({ SANDBOX_TIMEOUT_MS: '500' }, false);
    const { app } = stack;
    stack.fake.history.set('BTCUSDT:1h', rows);
    const original = app.publisher.publish.bind(app.publisher);
    app.publisher.publish = (async (event: string, payload: unknown, target: unknown) => {
      if (event === 'backtest:progress') events.push(payload as ServerEventPayload<'backtest:progress'>);
      return original(event as never, payload as never, target as never);
    }) as typeof app.publisher.publish;
    host = await startBacktestWorker(app);
  });
  afterAll(async () => {
    await host.close();
    await stack.close();
  });

  async function strategyOf(client: Client, code: string): Promise<number> {
    const res = await client.send('post', '/api/strategies', { name: uniqueName('s'), timeframe: '1h', code });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  /** The import takes the file as the request body, the rest in the query string. */
  async function upload(client: Client, source: string, format: 'csv' | 'json', file: string) {
    if (!client.token) await client.csrf();
    const query = new URLSearchParams({ source, symbol: 'BTC/USDT', timeframe: '1h', format });
    return client.agent
      .post(`/api/candles/import?${query}`)
      .set('X-CSRF-Token', client.token)
      .set('Content-Type', format === 'csv' ? 'text/csv' : 'application/json')
      .send(file);
  }

  async function importCandles(client: Client, source: string, data: number[][]) {
    const res = await upload(client, source, 'json', JSON.stringify(data));
    expect(res.status).toBe(201);
    return res.body;
  }

  async function launch(client: Client, body: Record<string, unknown>): Promise<number> {
    const res = await client.send('post', '/api/backtests', {
      symbol: 'BTC/USDT',
      timeframe: '1h',
      from: iso(rows[0][0]),
      to: iso(rows[2000][0]),
      initialAmount: '10000',
      ...body,
    });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  const settled = async (client: Client, id: number, timeout = 20_000) => {
    let body: { status: string } & Record<string, unknown> = { status: '' };
    await until(async () => {
      body = (await client.get(`/api/backtests/${id}`)).body;
      return ['completed', 'failed', 'cancelled'].includes(body.status);
    }, timeout);
    return body as Record<string, unknown> & { status: string };
  };

  it('runs the seeded example on imported candles and stores its trades and statistics', async () => {
    const client = await signedInClient(stack.app);
    const list = (await client.get('/api/strategies').expect(200)).body as { id: number; name: string; code: string }[];
    const example = list.find((s) => s.name === 'Exemple EMA 10/20');
    expect(example?.code).toBe(EXAMPLE_STRATEGY);
    const source = uniqueName('imp');
    expect(await importCandles(client, source, rows.slice(0, 2100))).toMatchObject({ received: 2100, stored: 2100 });

    const id = await launch(client, { strategyId: example!.id, source, fill: 'next_open' });
    const run = await settled(client, id);
    expect(run.status).toBe('completed');
    const result = run.result as Record<string, unknown>;
    const trades = run.trades as { exitReason: string; balanceAfter: string; entryTime: string }[];
    expect(result.candles).toBe(2000);
    expect(result.totalTrades).toBe(trades.length);
    expect(trades.length).toBeGreaterThan(10);
    expect(result.finalAmount).toBe(trades.at(-1)!.balanceAfter);
    expect(new Set(trades.map((t) => t.exitReason))).toContain('signal');
    expect((result.equity as unknown[]).length).toBeGreaterThan(100);
    // The chart's curve is sampled; the whole one has a point per candle, and it ends on the final balance, as the
    // trades table does.
    const sampled = result.equity as [number, number][];
    expect(sampled.length).toBeLessThanOrEqual(1001);
    const full = (await client.get(`/api/backtests/${id}/equity`).expect(200)).body.points as [number, number][];
    expect(full).toHaveLength(2000);
    expect(full.map(([t]) => t)).toEqual(rows.slice(0, 2000).map((r) => r[0]));
    expect(full.at(-1)![1]).toBeCloseTo(Number(result.finalAmount), 8);
    expect(sampled.at(-1)![0]).toBe(full.at(-1)![0]);
    expect(sampled.at(-1)![1]).toBeCloseTo(Number(result.finalAmount), 7);
    const csv = await client.get(`/api/backtests/${id}/equity.csv`).expect(200);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe('time,equity');
    expect(lines).toHaveLength(2001);
    expect(lines.at(-1)).toBe(`${new Date(full.at(-1)![0]).toISOString()},${result.finalAmount}`);
    expect(run.fill).toBe('next_open');
    const mine = events.filter((e) => e.id === id);
    expect(mine.some((e) => e.status === 'running')).toBe(true);
    expect(mine.at(-1)).toMatchObject({ status: 'completed', percent: 100 });
    const listed = (await client.get('/api/backtests').expect(200)).body as { id: number; strategyName: string }[];
    expect(listed.find((b) => b.id === id)?.strategyName).toBe('Exemple EMA 10/20');
  });

  it('downloads missing candles from the exchange with ccxt, stores them for everyone, then runs', async () => {
    const client = await signedInClient(stack.app);
    const strategyId = await strategyOf(client, EXAMPLE_STRATEGY);
    const before = stack.fake.klinesRequests;
    const id = await launch(client, { strategyId, source: 'binance' });
    const run = await settled(client, id);
    expect(run.status).toBe('completed');
    expect(stack.fake.klinesRequests - before).toBeGreaterThanOrEqual(2);
    const stored = await stack.app
      .db('candles')
      .where({ source: 'binance', symbol: 'BTC/USDT', timeframe: '1h' })
      .where('open_time', '>=', new Date(rows[0][0]))
      .where('open_time', '<', new Date(rows[2000][0]))
      .count();
    expect(Number(stored[0].count)).toBe(2000);
    // A second run finds the candles stored and asks again only for the exchange's own outages (holes in the data).
    const holes = rows.slice(0, 2000).filter((r, k) => k > 0 && r[0] - rows[k - 1][0] > 3_600_000).length;
    const again = stack.fake.klinesRequests;
    expect((await settled(client, await launch(client, { strategyId, source: 'binance' }))).status).toBe('completed');
    expect(stack.fake.klinesRequests - again).toBe(holes);
  });

  it('fails a run whose strategy throws, with its message and line, and the worker goes on', async () => {
    const client = await signedInClient(stack.app);
    const source = uniqueName('imp');
    await importCandles(client, source, rows.slice(0, 300));
    const broken = EXAMPLE_STRATEGY.replace(
      'if (this.candles.length < 21) return false; // pas assez de données',
      "if (this.candles.length === 50) throw new Error('cassé à 50');",
    );
    const failed = await settled(
      client,
      await launch(client, { strategyId: await strategyOf(client, broken), source, to: iso(rows[299][0]) }),
    );
    expect(failed.status).toBe('failed');
    expect(failed.error).toBe('cassé à 50 (ligne 9)');
    const next = await settled(
      client,
      await launch(client, { strategyId: await strategyOf(client, EXAMPLE_STRATEGY), source, to: iso(rows[299][0]) }),
    );
    expect(next.status).toBe('completed');
  });

  it('cancels a simulation within a second, and a download in progress', async () => {
    const client = await signedInClient(stack.app);
    const source = uniqueName('imp');
    await importCandles(client, source, rows);
    const slow = EXAMPLE_STRATEGY.replace(
      'if (this.candles.length < 21) return false; // pas assez de données',
      'const until = Date.now() + 2; while (Date.now() < until) {}',
    );
    const id = await launch(client, { strategyId: await strategyOf(client, slow), source, to: iso(rows[2999][0]) });
    await until(async () => (await client.get(`/api/backtests/${id}`)).body.status === 'running', 10_000);
    const asked = Date.now();
    expect((await client.send('post', `/api/backtests/${id}/cancel`)).status).toBe(202);
    const run = await settled(client, id, 5000);
    expect(run.status).toBe('cancelled');
    expect(Date.now() - asked).toBeLessThan(1500);
    expect(run.progress as number).toBeLessThan(100);

    stack.fake.klinesDelayMs = 300;
    const loading = await launch(client, {
      strategyId: await strategyOf(client, EXAMPLE_STRATEGY),
      source: 'binance',
      symbol: 'ETH/USDT',
      from: iso(Date.UTC(2022, 0, 1)),
      to: iso(Date.UTC(2022, 6, 1)),
    });
    await until(async () => (await client.get(`/api/backtests/${loading}`)).body.status === 'loading', 10_000);
    expect((await client.send('post', `/api/backtests/${loading}/cancel`)).status).toBe(202);
    expect((await settled(client, loading, 5000)).status).toBe('cancelled');
    stack.fake.klinesDelayMs = 0;
  });

  it('refuses bad input with the field named, and nothing stored', async () => {
    const client = await signedInClient(stack.app);
    const strategyId = await strategyOf(client, EXAMPLE_STRATEGY);
    const bad = await client.send('post', '/api/backtests', {
      strategyId,
      source: 'binance',
      symbol: 'BTC/USDT',
      timeframe: '1h',
      from: '2022-02-01',
      to: '2022-01-01',
      initialAmount: '-5',
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/Montant de départ/);
    const csv =
      'time,open,high,low,close,volume\n2024-01-01T00:00:00Z,1,2,0.5,1.5,10\n2024-01-01T01:00:00Z,1,x,0.5,1.5,10\n2024-01-01T02:00:00Z,1,0.1,0.5,1.5,10\n';
    const source = uniqueName('csv');
    const refused = await upload(client, source, 'csv', csv);
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe(
      'Fichier : ligne 3 : high : nombre illisible « x »\nligne 4 : high/low incohérents avec open/close',
    );
    expect(await stack.app.db('candle_sources').where({ name: source })).toHaveLength(0);
    const reserved = await upload(client, 'binance', 'csv', csv);
    expect(reserved.status).toBe(400);
    expect(reserved.body.error.field).toBe('source');
    const good = csv.split('\n').slice(0, 2).join('\n');
    const ok = await upload(client, source, 'csv', good);
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ stored: 1, first: '2024-01-01T00:00:00.000Z' });
  });

  it('validates code in the sandbox: errors with line and column, a working strategy runs on sample candles', async () => {
    const client = await signedInClient(stack.app);
    const ok = await client.send('post', '/api/strategies/validate', { code: EXAMPLE_STRATEGY });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, candles: 500 });
    expect(ok.body.trades).toBeGreaterThan(0);
    const syntax = await client.send('post', '/api/strategies/validate', {
      code: 'class A extends Strategy {\n  shouldLong() {\n    return (;\n  }\n}',
    });
    expect(syntax.body).toMatchObject({ ok: false, error: { line: 3 } });
    const missing = await client.send('post', '/api/strategies/validate', {
      code: 'class A extends Strategy { shouldLong() { return false; } }',
    });
    expect(missing.body.error.message).toMatch(/Méthodes de décision manquantes : shouldShort/);
    const runtime = await client.send('post', '/api/strategies/validate', {
      code: EXAMPLE_STRATEGY.replace('return this.balance * 0.1;', 'return this.balanse * 0.1;'),
    });
    expect(runtime.body.ok).toBe(false);
    expect(runtime.body.error.message).toMatch(
      /calculatePositionSize\(\) doit renvoyer un nombre positif ou nul, pas NaN/,
    );
  });

  describe('failures told in our own words', () => {
    const ALL_IN = `class AllIn extends Strategy {
  shouldLong() { return true; }
  shouldShort() { return false; }
  calculatePositionSize() { return this.balance; }
  calculateStopLoss() { return 0; }
  calculateTakeProfit() { return 0.4; }
}`;

    it('refuses a starting amount the results could not hold, and stores none of a database error', async () => {
      const client = await signedInClient(stack.app);
      const strategyId = await strategyOf(client, ALL_IN);
      const tooBig = await client.send('post', '/api/backtests', {
        strategyId,
        source: 'binance',
        symbol: 'BTC/USDT',
        timeframe: '1h',
        from: iso(rows[0][0]),
        to: iso(rows[10][0]),
        initialAmount: '999999999999999999',
      });
      expect(tooBig.status).toBe(400);
      expect(tooBig.body.error.message).toMatch(/Montant de départ/);
      // Prices gaining half their value every hour: a run all in multiplies its money far beyond 10⁶.
      const source = uniqueName('rocket');
      const start = Date.UTC(2020, 0, 1);
      const rocket = Array.from({ length: 60 }, (_, k) => {
        const open = 1.5 ** k;
        return [start + k * 3600_000, open, open * 1.6, open * 0.99, open * 1.5, 1];
      });
      await importCandles(client, source, rocket);
      const failed = await settled(
        client,
        await launch(client, {
          strategyId,
          source,
          from: iso(start),
          to: iso(start + 59 * 3600_000),
          initialAmount: '1000000000000',
        }),
      );
      expect(failed.status).toBe('failed');
      expect(failed.error).toBe('Résultat trop grand pour être enregistré : réduisez le montant de départ');
    });

    it('says the exchange is out of reach without its address (last: it stops the fake exchange)', async () => {
      const client = await signedInClient(stack.app);
      await stack.fake.close();
      const failed = await settled(
        client,
        await launch(client, {
          strategyId: await strategyOf(client, EXAMPLE_STRATEGY),
          source: 'binance',
          from: '2021-01-01T00:00:00.000Z',
          to: '2021-01-03T00:00:00.000Z',
        }),
      );
      expect(failed.status).toBe('failed');
      expect(failed.error).toBe('Binance est injoignable, réessayez plus tard');
    });
  });
});
