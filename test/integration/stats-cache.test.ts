// The statistics' cache on the real database: an answer is kept while the user's trades are unchanged, rebuilt after
// any insert or update (the trigger's stamp), shared by calls that come together, and dropped, least recently used
// first, when the rows it holds pass its budget.
import { StatsCache } from '../../core/stats/stats-cache';
import { signedInClient, startTestApp, type TestApp } from '../helpers/app';
import { filledTradeRow } from '../helpers/fills';

let app: TestApp;
const T0 = Date.UTC(2026, 8, 1);
const HOUR = 3_600_000;

async function userWithFills(count: number): Promise<{ userId: number; brokerId: number }> {
  const client = await signedInClient(app);
  const userId = client.user!.id;
  const brokerId = ((await client.get('/api/brokers').expect(200)).body as { id: number }[])[0].id;
  await app
    .db('trades')
    .insert(
      Array.from({ length: count }, (_, i) =>
        filledTradeRow(userId, brokerId, { at: T0 + i * 60_000, side: i % 2 ? 'sell' : 'buy', qty: '1', price: '100' }),
      ),
    );
  return { userId, brokerId };
}

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

it('keeps an answer until a trade of the user is written, and shares one between calls at once', async () => {
  const cache = new StatsCache(app.db);
  const { userId, brokerId } = await userWithFills(2);
  const [first, together] = await Promise.all([cache.matching(userId, {}), cache.matching(userId, {})]);
  expect(together).toBe(first);
  expect(await cache.matching(userId, {})).toBe(first);
  expect(first.matched.roundTrips).toHaveLength(1);

  await app
    .db('trades')
    .insert(filledTradeRow(userId, brokerId, { at: T0 + HOUR, side: 'buy', qty: '1', price: '90' }));
  const afterInsert = await cache.matching(userId, {});
  expect(afterInsert).not.toBe(first);
  expect(afterInsert.fills).toHaveLength(3);

  // An update that no code path stamped itself (the trigger does).
  await app.db('trades').where({ user_id: userId, average_price: '90' }).update({ average_price: '95' });
  const afterUpdate = await cache.matching(userId, {});
  expect(Number(afterUpdate.fills.at(-1)!.price)).toBe(95);
});

it('drops the least recently used answers past its budget of rows', async () => {
  const cache = new StatsCache(app.db, { rows: 5 });
  const a = await userWithFills(4);
  const b = await userWithFills(3);
  const first = await cache.matching(a.userId, {});
  expect(await cache.matching(a.userId, {})).toBe(first);
  // 4 + 3 rows pass the budget of 5: a's answer, the older, goes.
  await cache.matching(b.userId, {});
  const again = await cache.matching(a.userId, {});
  expect(again).not.toBe(first);
  expect(again.fills).toHaveLength(4);
});
