// The Statistiques page's tables, charts and CSV over one user's manual, strategy and webhook fills: each origin its
// own row with the P&L worked out by hand here, the daily bars and cumulative lines adding up to the same figures,
// the CSV holding the same round trips, an activation deleted later still counted under its old origin.
import { parse as parseCsv } from 'csv-parse/sync';
import { Dec } from '../../core/decimal';
import { signedInClient, startTestApp, uniqueName, type Client, type TestApp } from '../helpers/app';
import { filledTradeRow, type TestFill } from '../helpers/fills';
import { createSource } from '../helpers/webhooks';

let app: TestApp;
let client: Client;
let userId: number;
let brokerId: number;
let activationId: number;
let sourceId: number;
let strategyName: string;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 9, 5, 10);

beforeAll(async () => {
  app = await startTestApp();
  client = await signedInClient(app);
  userId = Number((await client.get('/api/auth/me').expect(200)).body.user.id);
  brokerId = ((await client.get('/api/brokers').expect(200)).body as { id: number }[])[0].id;
  strategyName = uniqueName('Cross');
  const [strategy] = await app
    .db('strategies')
    .insert({ user_id: userId, name: strategyName, timeframe: '1h', code: 'class S extends Strategy {}' })
    .returning('id');
  const [activation] = await app
    .db('active_strategies')
    .insert({
      user_id: userId,
      strategy_id: strategy.id,
      broker_id: brokerId,
      symbol: 'ETH/USDT',
      timeframe: '1h',
      start_date: new Date(T0 - DAY),
      end_date: new Date(T0 + 30 * DAY),
      state: 'stopped',
    })
    .returning('id');
  activationId = Number(activation.id);
  const source = await createSource(client, { name: 'Alerte RSI' });
  sourceId = source.id;
  const [webhook] = await app
    .db('webhooks')
    .insert({ user_id: userId, source_id: sourceId, raw_body: '{}', status: 'processed' })
    .returning('id');

  const insert = (fills: TestFill[], origin: Record<string, unknown>) =>
    app.db('trades').insert(fills.map((f) => filledTradeRow(userId, brokerId, f, origin)));
  // Manual: +10 on day 0.
  await insert(
    [
      { at: T0, side: 'buy', qty: '1', price: '100', symbol: 'BTC/USDT' },
      { at: T0 + 3_600_000, side: 'sell', qty: '1', price: '110', symbol: 'BTC/USDT' },
    ],
    { source: 'manual' },
  );
  // Strategy: +19.88 on day 0 (2 × 10 − 0.12), then −5 on day 1; 100 committed at most (2 at 50).
  await insert(
    [
      { at: T0 + 60_000, side: 'buy', qty: '2', price: '50', symbol: 'ETH/USDT' },
      { at: T0 + 7_200_000, side: 'sell', qty: '2', price: '60', fee: '0.12', symbol: 'ETH/USDT' },
      { at: T0 + DAY, side: 'buy', qty: '1', price: '60', symbol: 'ETH/USDT' },
      { at: T0 + DAY + 60_000, side: 'sell', qty: '1', price: '55', symbol: 'ETH/USDT' },
    ],
    { source: 'strategy', active_strategy_id: activationId, strategy_id: strategy.id },
  );
  // Webhook: −5 on day 1 (0.5 bought at 200, sold at 190).
  await insert(
    [
      { at: T0 + DAY + 120_000, side: 'buy', qty: '0.5', price: '200', symbol: 'BNB/USDT' },
      { at: T0 + DAY + 180_000, side: 'sell', qty: '0.5', price: '190', symbol: 'BNB/USDT' },
      // Still open.
      { at: T0 + 1.5 * DAY, side: 'buy', qty: '0.1', price: '200', symbol: 'BNB/USDT' },
    ],
    { source: 'webhook', webhook_id: webhook.id },
  );
});
afterAll(() => app.close());

const get = async (path: string) => (await client.get(path).expect(200)).body;

it('gives each activation, webhook source and the manual trades a row of their own', async () => {
  const byStrategy = await get(`/api/stats/by-strategy?brokerId=${brokerId}`);
  const strategyRow = byStrategy.rows.find((r: { origin: string }) => r.origin === `strategy:${activationId}`);
  expect(strategyRow).toMatchObject({
    kind: 'strategy',
    id: activationId,
    label: `${strategyName} · ETH/USDT 1h`,
    deleted: false,
    trades: 2,
    wins: 1,
    losses: 1,
    winRate: 50,
    realizedPnl: '14.88',
    fees: '0.12',
    largestWin: '19.88',
    largestLoss: '-5',
    committedCapital: '100',
    returnPct: 14.88,
    lastTradeAt: new Date(T0 + DAY + 60_000).toISOString(),
  });
  expect(strategyRow.profitFactor).toBe(3.976);
  const manual = byStrategy.rows.find((r: { origin: string }) => r.origin === 'manual');
  expect(manual).toMatchObject({ label: 'Trading manuel', trades: 1, realizedPnl: '10', committedCapital: '100' });
  expect(byStrategy.rows).toHaveLength(2);

  const bySource = await get('/api/stats/by-webhook-source');
  expect(bySource.rows).toEqual([
    expect.objectContaining({ origin: `webhook:${sourceId}`, label: 'Alerte RSI', trades: 1, realizedPnl: '-5' }),
  ]);
});

it('draws daily bars and cumulative lines that add up to the rows', async () => {
  const pnl = await get('/api/stats/pnl');
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  // Day 0: 10 + 19.88; day 1: −5 − 5.
  expect(pnl.days).toEqual([
    { day: day(T0), pnl: '29.88' },
    { day: day(T0 + DAY), pnl: '-10' },
  ]);
  const line = pnl.cumulative.find((c: { origin: string }) => c.origin === `strategy:${activationId}`);
  expect(line.label).toBe(`${strategyName} · ETH/USDT 1h`);
  expect(line.points.map((p: { pnl: string }) => p.pnl)).toEqual(['19.88', '14.88']);
  const inPeriod = await get(`/api/stats/pnl?from=${new Date(T0 + DAY).toISOString()}`);
  expect(inPeriod.days).toEqual([{ day: day(T0 + DAY), pnl: '-10' }]);
});

it('says how long a position was open in the period, positions still open included', async () => {
  // Open [T0, T0 + 2 h] (the manual and first strategy trips overlap), [T0 + 1 d, + 1 min], [T0 + 1 d + 2 min, + 1 min],
  // and the webhook's position still open from T0 + 1.5 d to the end: 122 + 720 min of 2,880.
  const period = `from=${new Date(T0).toISOString()}&to=${new Date(T0 + 2 * DAY).toISOString()}`;
  expect((await get(`/api/stats/summary?${period}`)).exposurePct).toBe(Math.round((842 / 2880) * 100 * 1e4) / 1e4);
  const rows = (await get(`/api/stats/by-strategy?${period}`)).rows;
  // The strategy: [T0 + 1 min, T0 + 2 h] and [T0 + 1 d, + 1 min], 120 min of the 2,879 from its first entry on.
  expect(rows.find((r: { origin: string }) => r.origin === `strategy:${activationId}`).exposurePct).toBe(
    Math.round((120 / 2879) * 100 * 1e4) / 1e4,
  );
});

it("lists an origin's round trips, newest first, and exports the same ones as CSV", async () => {
  const list = await get(`/api/stats/trades?origin=strategy:${activationId}`);
  expect(list.total).toBe(2);
  expect(list.trades.map((t: { realizedPnl: string }) => t.realizedPnl)).toEqual(['-5', '19.88']);
  expect(list.trades[0]).toMatchObject({ symbol: 'ETH/USDT', side: 'long', entryPrice: '60', exitPrice: '55' });
  expect((await get('/api/stats/trades?limit=1')).trades).toHaveLength(1);

  const res = await client.get('/api/stats/trades.csv').expect(200);
  expect(res.headers['content-type']).toMatch(/^text\/csv/);
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename="?aristobot-trades\.csv"?$/);
  const rows: Record<string, string>[] = parseCsv(res.text, { columns: true, bom: true });
  expect(rows).toHaveLength(4);
  const summary = await get('/api/stats/summary');
  expect(rows.reduce((sum, r) => sum.plus(r['P&L réalisé']), Dec(0)).toFixed()).toBe(summary.realizedPnl);
  expect(rows.map((r) => r.Origine)).toContain('Alerte RSI');
  // A name that a spreadsheet would run as a formula is written as text.
  await app.db('webhook_sources').where({ id: sourceId }).update({ name: '=HYPERLINK("http://x","Alerte RSI")' });
  const renamed: Record<string, string>[] = parseCsv((await client.get('/api/stats/trades.csv').expect(200)).text, {
    columns: true,
    bom: true,
  });
  expect(renamed.map((r) => r.Origine)).toContain(`'=HYPERLINK("http://x","Alerte RSI")`);
  await app.db('webhook_sources').where({ id: sourceId }).update({ name: 'Alerte RSI' });
});

it('names a bad origin, and keeps counting a deleted activation', async () => {
  const bad = await client.get('/api/stats/trades?origin=strategy:abc').expect(400);
  expect(bad.body.error).toMatchObject({ field: 'origin', message: expect.stringMatching(/^Origine : /) });
  await app.db('active_strategies').where({ id: activationId }).delete();
  const rows = (await get('/api/stats/by-strategy')).rows;
  expect(rows.find((r: { origin: string }) => r.origin === 'strategy:none')).toMatchObject({
    deleted: true,
    label: 'Stratégie supprimée',
    realizedPnl: '14.88',
  });
  // Another user has no rows at all.
  const other = await signedInClient(app);
  expect((await other.get('/api/stats/by-strategy').expect(200)).body.rows).toEqual([]);
  expect((await other.get('/api/stats/trades').expect(200)).body.total).toBe(0);
});
