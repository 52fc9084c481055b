// The heartbeat API: state for the status bar and the page, the latest signals per timeframe, stored candles.
import request from 'supertest';
import { recordCloses } from '../../actors/heartbeat/candle-store';
import { CandleAggregator } from '../../core/candles/aggregator';
import { signedInClient, startTestApp, type Client, type TestApp } from '../helpers/app';

const SYMBOL = 'APITEST/USDT';
const t0 = Date.UTC(2024, 5, 1, 0, 0, 0);
let app: TestApp;
let client: Client;

beforeAll(async () => {
  app = await startTestApp();
  client = await signedInClient(app);
  await app.db('candles').where({ symbol: SYMBOL }).delete();
  await app.db('candles_heartbeat').where({ symbol: SYMBOL }).delete();
  // 70 minutes of trades through the real aggregator and store: 70 1m candles, 14 5m, 1 1h…
  const agg = new CandleAggregator(SYMBOL, 0);
  const first = {
    openTime: t0,
    open: '100.50',
    high: '100.50',
    low: '100.50',
    close: '100.50',
    volume: '0.25',
    trades: 1,
  };
  const primed = agg.addMinute(first);
  for (let i = 1; i < 70; i++) agg.addTrade(`${100 + i}.50`, '0.25', t0 + i * 60_000 + 1_000);
  await recordCloses(app.db, [...primed, ...agg.closeDue(t0 + 70 * 60_000)], {
    statusId: null,
    receivedAt: new Date(t0 + 70 * 60_000),
  });
});
afterAll(() => app.close());

it('is for signed-in users only', async () => {
  for (const path of ['status', 'history', `candles?symbol=${SYMBOL}&timeframe=1m`]) {
    expect((await request(app.web.app).get(`/api/heartbeat/${path}`)).status).toBe(401);
  }
});

it('returns the newest signals, at most `limit` per timeframe', async () => {
  const res = await client.get(`/api/heartbeat/history?symbol=${SYMBOL}&limit=60`).expect(200);
  const byTf = (tf: string) => res.body.signals.filter((s: { timeframe: string }) => s.timeframe === tf);
  expect(byTf('1m')).toHaveLength(60);
  expect(byTf('1m')[0]).toEqual({
    symbol: SYMBOL,
    timeframe: '1m',
    candleTime: t0 + 69 * 60_000,
    receivedAt: t0 + 70 * 60_000,
    backfilled: false,
  });
  expect(byTf('5m')).toHaveLength(14);
  expect(byTf('1h')).toHaveLength(1);
  const one = await client.get(`/api/heartbeat/history?symbol=${SYMBOL}&timeframe=15m&limit=2`).expect(200);
  expect(one.body.signals.map((s: { candleTime: number }) => (s.candleTime - t0) / 60_000)).toEqual([45, 30]);
});

it('returns stored candles in a time range, decimals as exact strings', async () => {
  // Asked in Binance's form (apitestusdt): the same market.
  const res = await client
    .get(
      `/api/heartbeat/candles?symbol=${SYMBOL.replace('/', '').toLowerCase()}&timeframe=5m&from=${new Date(t0 + 600_000).toISOString()}&to=${t0 + 1_200_000}`,
    )
    .expect(200);
  expect(res.body.candles).toEqual(
    [10, 15, 20].map((m) => ({
      openTime: t0 + m * 60_000,
      closeTime: t0 + (m + 5) * 60_000 - 1,
      open: `${100 + m}.5`,
      high: `${104 + m}.5`,
      low: `${100 + m}.5`,
      close: `${104 + m}.5`,
      volume: '1.25',
      backfilled: false,
    })),
  );
});

it('names the bad parameter in French', async () => {
  const bad = await client.get(`/api/heartbeat/candles?symbol=${SYMBOL}&timeframe=7m`).expect(400);
  expect(bad.body.error).toMatchObject({ field: 'timeframe', message: expect.stringMatching(/^Unité de temps : /) });
  const order = await client
    .get(`/api/heartbeat/candles?symbol=${SYMBOL}&timeframe=1m&from=${t0 + 1}&to=${t0}`)
    .expect(400);
  expect(order.body.error).toMatchObject({ field: 'to', message: 'Fin : doit suivre le début' });
  const limit = await client.get('/api/heartbeat/history?limit=100000').expect(400);
  expect(limit.body.error.message).toBe('Nombre : 500 au plus');
});

it('reports the heartbeat state with its open alerts', async () => {
  await app
    .db('alerts')
    .insert({ kind: 'heartbeat_incoherent', message: 'Heartbeat non cohérent : test', details: { symbol: SYMBOL } });
  try {
    const res = await client.get('/api/heartbeat/status').expect(200);
    expect(res.body).toMatchObject({ coherent: false, timeframes: ['1m', '3m', '5m', '10m', '15m', '1h', '2h', '4h'] });
    expect(res.body.alerts.map((a: { message: string }) => a.message)).toContain('Heartbeat non cohérent : test');
  } finally {
    await app.db('alerts').whereRaw(`details->>'symbol' = ?`, [SYMBOL]).delete();
  }
});

it("words the heartbeat's last error itself, never with the socket's text", async () => {
  const [{ id }] = await app
    .db('heartbeat_status')
    .insert({
      is_connected: true,
      last_error: 'connect ECONNREFUSED 10.9.8.7:9443 (proxy.internal.example)',
      last_error_at: new Date(),
    })
    .returning('id');
  try {
    const res = await client.get('/api/heartbeat/status').expect(200);
    expect(res.body.lastError).toBe('Connexion au flux Binance perdue (le détail est dans le journal du heartbeat)');
    expect(JSON.stringify(res.body)).not.toMatch(/10\.9\.8\.7|internal\.example/);
  } finally {
    await app.db('heartbeat_status').where({ id }).delete();
  }
});
