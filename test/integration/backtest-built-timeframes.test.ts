// A 10m backtest on Binance, which has no 10m klines (it answers -1120): the backtest downloads 5m candles from the
// fake Binance, stores them under their own key, builds the 10m ones from them exactly, and runs on those; a second
// run downloads nothing, an outage of the exchange leaves buckets built from the half it has, and a cancel stops it.
import { trimDecimal } from '../../core/decimal';
import type { ServerEventPayload } from '../../core/realtime/events';
import { EXAMPLE_STRATEGY } from '../../core/sandbox/templates';
import { signedInClient, uniqueName, type Client } from '../helpers/app';
import { startBacktestWorker } from '../helpers/brokers';
import { btcFiveMinuteCandles } from '../helpers/market-data';
import { sumQuantities } from '../helpers/reference-candles';
import { startTradingStack } from '../helpers/trading';
import { until } from '../helpers/wait';

const FIVE = 300_000;
const TEN = 600_000;
const iso = (t: number) => new Date(t).toISOString();
const bucketOf = (t: number) => Math.floor(t / TEN) * TEN;

/** The 10m candles of the 5m rows, the plain way: [open time, open, high, low, close, volume] as decimal text. */
function reference(rows: number[][], from: number, to: number): string[][] {
  const groups = new Map<number, number[][]>();
  for (const r of rows.filter((r) => r[0] >= from && r[0] < to)) {
    groups.set(bucketOf(r[0]), [...(groups.get(bucketOf(r[0])) ?? []), r]);
  }
  return [...groups].map(([start, group]) => {
    // As the heartbeat: a 5m candle without trade gives no open, high or low unless none traded.
    const traded = group.some((r) => r[5] > 0) ? group.filter((r) => r[5] > 0) : group;
    return [
      String(start),
      String(traded[0][1]),
      String(Math.max(...traded.map((r) => r[2]))),
      String(Math.min(...traded.map((r) => r[3]))),
      String(group.at(-1)![4]),
      sumQuantities(group.map((r) => String(r[5]))),
    ];
  });
}

describe('backtests on a timeframe the exchange does not serve', () => {
  let stack: Awaited<ReturnType<typeof startTradingStack>>;
  let host: { close(): Promise<void> };
  let client: Client;
  let strategyId: number;
  // Real Binance 5m candles around an outage of 56 intervals (2021-04-25 04:05 → 08:40), or generated alike.
  const rows = btcFiveMinuteCandles(31_500, 33_500);
  const outage = rows.findIndex((r, k) => k > 0 && r[0] - rows[k - 1][0] > FIVE);
  const events: ServerEventPayload<'backtest:progress'>[] = [];

  beforeAll(async () => {
    stack = await startTradingStack({}, false);
    stack.fake.history.set('BTCUSDT:5m', rows);
    const { app } = stack;
    // The candles are shared and kept from run to run of the suites: these ones are downloaded afresh.
    await app
      .db('candles')
      .where({ source: 'binance' })
      .whereIn('symbol', ['BTC/USDT', 'ETH/USDT'])
      .whereIn('timeframe', ['5m', '10m'])
      .where('open_time', '<', new Date(Date.UTC(2022, 6, 2)))
      .where('open_time', '>=', new Date(rows[0][0]))
      .delete();
    const original = app.publisher.publish.bind(app.publisher);
    app.publisher.publish = (async (event: string, payload: unknown, target: unknown) => {
      if (event === 'backtest:progress') events.push(payload as ServerEventPayload<'backtest:progress'>);
      return original(event as never, payload as never, target as never);
    }) as typeof app.publisher.publish;
    host = await startBacktestWorker(app);
    client = await signedInClient(app);
    const created = await client.send('post', '/api/strategies', {
      name: uniqueName('s10'),
      timeframe: '10m',
      code: EXAMPLE_STRATEGY,
    });
    expect(created.status).toBe(201);
    strategyId = created.body.id;
  });
  afterAll(async () => {
    await host.close();
    await stack.close();
  });

  const klines = () => stack.fake.requests.filter((r) => r.path === '/api/v3/klines');

  async function run(from: number, to: number, symbol = 'BTC/USDT'): Promise<number> {
    const res = await client.send('post', '/api/backtests', {
      strategyId,
      source: 'binance',
      symbol,
      timeframe: '10m',
      from: iso(from),
      to: iso(to),
      initialAmount: '10000',
    });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function settled(id: number): Promise<Record<string, unknown> & { status: string }> {
    let body = { status: '' };
    await until(async () => {
      body = (await client.get(`/api/backtests/${id}`)).body;
      return ['completed', 'failed', 'cancelled'].includes(body.status);
    }, 30_000);
    return body as Record<string, unknown> & { status: string };
  }

  async function stored(timeframe: string, from: number, to: number): Promise<string[][]> {
    const found: { t: number; open: string; high: string; low: string; close: string; volume: string }[] =
      await stack.app
        .db('candles')
        .select(stack.app.db.raw('(extract(epoch FROM open_time) * 1000)::float8 AS t'))
        .select('open', 'high', 'low', 'close', 'volume')
        .where({ source: 'binance', symbol: 'BTC/USDT', timeframe })
        .where('open_time', '>=', new Date(from))
        .where('open_time', '<', new Date(to))
        .orderBy('open_time');
    return found.map((c) => [String(c.t), ...[c.open, c.high, c.low, c.close, c.volume].map(trimDecimal)]);
  }

  it('the fake answers a 10m klines request as Binance does', async () => {
    const res = await fetch(`${stack.url}/api/v3/klines?symbol=BTCUSDT&interval=10m&limit=5`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ code: -1120, msg: 'Invalid interval.' });
  });

  it('builds 10m candles from the 5m ones downloaded, runs on them, and downloads nothing the second time', async () => {
    // Whole 10m buckets before the outage.
    const from = Math.ceil(rows[0][0] / TEN) * TEN;
    const to = bucketOf(rows[outage - 1][0]);
    const asked = klines().length;
    const id = await run(from, to);
    const first = await settled(id);
    expect(first.status).toBe('completed');

    const requests = klines().slice(asked);
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(requests.map((r) => r.query.get('interval'))).toEqual(requests.map(() => '5m'));
    // The 5m candles are kept under their own key, for the next runs and the other timeframes.
    expect((await stored('5m', from, to)).length).toBe(rows.filter((r) => r[0] >= from && r[0] < to).length);

    const expected = reference(rows, from, to);
    const built = await stored('10m', from, to);
    expect(built).toEqual(expected);
    expect(built.length).toBe((to - from) / TEN);
    // One bucket by hand: the two 5m candles of the 40th, merged.
    const [a, b] = rows.filter((r) => bucketOf(r[0]) === from + 40 * TEN);
    expect(built[40]).toEqual([
      String(from + 40 * TEN),
      String(a[1]),
      String(Math.max(a[2], b[2])),
      String(Math.min(a[3], b[3])),
      String(b[4]),
      sumQuantities([String(a[5]), String(b[5])]),
    ]);
    // The run read those candles: its equity has a point at each 10m open, its chart their prices.
    expect((first.result as { candles: number }).candles).toBe(expected.length);
    const equity = (await client.get(`/api/backtests/${id}/equity`).expect(200)).body.points as number[][];
    expect(equity.map(([t]) => t)).toEqual(expected.map((c) => Number(c[0])));
    const chart = (await client.get(`/api/backtests/${id}/candles`).expect(200)).body.bars as number[][];
    expect(chart).toEqual(expected.map((c) => c.slice(0, 5).map(Number)));
    // The download's progress went up to the whole, step by step.
    const loading = events.filter((e) => e.id === id && e.status === 'loading').map((e) => e.percent);
    expect(loading[0]).toBe(0);
    expect(loading.at(-1)).toBe(100);
    expect(loading.length).toBeGreaterThan(2);
    expect(loading).toEqual([...loading].sort((x, y) => x - y));

    const again = klines().length;
    const second = await settled(await run(from, to));
    expect(second.status).toBe('completed');
    expect(klines().length - again).toBe(0);
    expect((second.result as { finalAmount: string }).finalAmount).toBe(
      (first.result as { finalAmount: string }).finalAmount,
    );

    // 5m candles stored without their 10m ones (as the heartbeat's can be): built from the database, not downloaded.
    await stack.app
      .db('candles')
      .where({ source: 'binance', symbol: 'BTC/USDT', timeframe: '10m' })
      .where('open_time', '>=', new Date(from))
      .where('open_time', '<', new Date(to))
      .delete();
    const third = await settled(await run(from, to));
    expect(third.status).toBe('completed');
    expect(klines().length - again).toBe(0);
    expect(await stored('10m', from, to)).toEqual(expected);
  });

  it("builds a bucket over the exchange's outage from the 5m candle it has, and only asks for the hole again", async () => {
    const before = bucketOf(rows[outage - 1][0]);
    const after = bucketOf(rows[outage][0]);
    // The outage leaves each of these buckets with one 5m candle.
    expect(rows.filter((r) => bucketOf(r[0]) === before)).toHaveLength(1);
    expect(rows.filter((r) => bucketOf(r[0]) === after)).toHaveLength(1);
    const from = before - 30 * TEN;
    const to = after + 30 * TEN;
    const first = await settled(await run(from, to));
    expect(first.status).toBe('completed');
    const built = await stored('10m', from, to);
    expect(built).toEqual(reference(rows, from, to));
    // Opened at the bucket's start, even when its first half is missing; nothing where the exchange has nothing.
    const only = (r: number[], start: number) => [String(start), ...r.slice(1, 5).map(String), String(r[5])];
    expect(built.find((c) => c[0] === String(before))).toEqual(only(rows[outage - 1], before));
    expect(built.find((c) => c[0] === String(after))).toEqual(only(rows[outage], after));
    expect(built.filter((c) => Number(c[0]) > before && Number(c[0]) < after)).toEqual([]);

    const again = klines().length;
    expect((await settled(await run(from, to))).status).toBe('completed');
    expect(klines().length - again).toBe(1);
  });

  it('stops a download of 5m candles for a 10m run when cancelled', async () => {
    stack.fake.klinesDelayMs = 300;
    try {
      const asked = klines().length;
      const id = await run(Date.UTC(2022, 0, 1), Date.UTC(2022, 6, 1), 'ETH/USDT');
      await until(async () => (await client.get(`/api/backtests/${id}`)).body.status === 'loading', 10_000);
      expect((await client.send('post', `/api/backtests/${id}/cancel`)).status).toBe(202);
      expect((await settled(id)).status).toBe('cancelled');
      const requests = klines().slice(asked);
      expect(requests.length).toBeGreaterThan(0);
      expect(requests.every((r) => r.query.get('interval') === '5m')).toBe(true);
    } finally {
      stack.fake.klinesDelayMs = 0;
    }
  });
});
