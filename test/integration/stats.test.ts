// GET /api/stats/summary over a fixed list of fills stored as trades (partial fills, a fee in the base and in the
// quote, a futures position flipped): its realised P&L agrees to the cent with the simplest independent account —
// for a book that ends flat, the quote that came in minus the quote that went out — and its counts with the round
// trips worked out by hand. Periods, origins and brokers filter; another user's broker is a missing one.
import { Dec } from '../../core/decimal';
import { signedInClient, startTestApp, type Client, type TestApp } from '../helpers/app';
import { filledTradeRow } from '../helpers/fills';

let app: TestApp;
let client: Client;
let userId: number;
let brokerId: number;

type Fill = { side: 'buy' | 'sell'; qty: string; price: string; fee?: string; feeCurrency?: string; symbol?: string };
const T0 = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;

/** The fills, an hour apart: three round trips on BTC/USDT, two on the perpetual (the flip makes the second). */
const FILLS: Fill[] = [
  // Bought in two partial fills, 0.001 BTC of the first kept as its fee: 0.999 + 0.5 held.
  { side: 'buy', qty: '1', price: '100', fee: '0.001', feeCurrency: 'BTC' },
  { side: 'buy', qty: '0.5', price: '102', fee: '0.051', feeCurrency: 'USDT' },
  // Sold in two: 0.999 (closes the first lot), then 0.5 (the second).
  { side: 'sell', qty: '0.999', price: '110', fee: '0.10989', feeCurrency: 'USDT' },
  { side: 'sell', qty: '0.5', price: '99', fee: '0.0495', feeCurrency: 'USDT' },
  // Long 1 on the perpetual, sold 3 (closes it, opens a short of 2), bought back.
  { side: 'buy', qty: '1', price: '100', symbol: 'BTC/USDT:USDT' },
  { side: 'sell', qty: '3', price: '110', fee: '0.33', feeCurrency: 'USDT', symbol: 'BTC/USDT:USDT' },
  { side: 'buy', qty: '2', price: '105', symbol: 'BTC/USDT:USDT' },
];

function quoteMoved(fills: Fill[]): string {
  return fills
    .reduce((sum, f) => {
      const notional = Dec(f.qty).times(f.price);
      return sum.plus(f.side === 'sell' ? notional : notional.neg()).minus(f.feeCurrency === 'USDT' ? f.fee! : 0);
    }, Dec(0))
    .toFixed();
}

beforeAll(async () => {
  app = await startTestApp();
  client = await signedInClient(app);
  const me = (await client.get('/api/auth/me').expect(200)).body.user;
  userId = Number(me.id);
  brokerId = ((await client.get('/api/brokers').expect(200)).body as { id: number }[])[0].id;
  await app.db('trades').insert(FILLS.map((f, i) => filledTradeRow(userId, brokerId, { ...f, at: T0 + i * HOUR })));
});
afterAll(() => app.close());

const summary = async (query: string) => (await client.get(`/api/stats/summary?${query}`).expect(200)).body;

it('agrees to the cent with the money that came and went, over every round trip', async () => {
  const all = await summary(`brokerId=${brokerId}`);
  expect(all).toMatchObject({ currency: 'USDT', trades: 4, wins: 3, losses: 1, unvaluedFees: 0 });
  // 109.89 − 0.10989 − 100 = 9.78011; 49.5 − 0.0495 − 51 − 0.051 = −1.6005; 110 − 0.11 − 100 = 9.89; 220 − 0.22 − 210 = 9.78
  expect(all.realizedPnl).toBe('27.84961');
  expect(all.realizedPnl).toBe(quoteMoved(FILLS));
  // 0.1 (0.001 BTC at 100) + 0.051 + 0.10989 + 0.0495 + 0.33
  expect(all.fees).toBe('0.64039');
  expect(all).toMatchObject({ largestWin: '9.89', largestLoss: '-1.6005', maxDrawdown: '1.6005' });
  // (9.78011 + 9.89 + 9.78) / 1.6005, to 4 places
  expect(all.profitFactor).toBe(18.4006);
});

it('gives each closing fill of the trade log the P&L the statistics count', async () => {
  const log: { realizedPnl: string | null; side: string; symbol: string }[] = (
    await client.get(`/api/trades?brokerId=${brokerId}`).expect(200)
  ).body;
  // Newest first: the perpetual's buy back (+9.78), its sell of 3 (+9.89), the two BTC sells; the entries closed nothing.
  expect(log.map((t) => t.realizedPnl)).toEqual(['9.78', '9.89', null, '-1.6005', '9.78011', null, null]);
  const total = log.reduce((sum, t) => sum.plus(t.realizedPnl ?? 0), Dec(0)).toFixed();
  expect(total).toBe((await summary(`brokerId=${brokerId}`)).realizedPnl);
});

it('counts a round trip in the period it closed, its entry read from before', async () => {
  // From the fourth fill on: the BTC/USDT trip closed then (opened at the second) and the two perpetual ones.
  const later = await summary(`from=${new Date(T0 + 3 * HOUR).toISOString()}`);
  // −1.6005 + 9.89 + 9.78
  expect(later).toMatchObject({ trades: 3, realizedPnl: '18.0695' });
  const until = await summary(`to=${new Date(T0 + 3 * HOUR).toISOString()}`);
  expect(until).toMatchObject({ trades: 1, realizedPnl: '9.78011' });
});

it('filters by origin and broker, and names a bad field', async () => {
  expect(await summary('source=strategy')).toMatchObject({ trades: 0, realizedPnl: '0', winRate: null });
  const bad = await client.get('/api/stats/summary?from=hier').expect(400);
  expect(bad.body.error).toMatchObject({ field: 'from', message: expect.stringMatching(/^Début : /) });
  const backwards = await client.get(`/api/stats/summary?from=2026-11-02&to=2026-11-01`).expect(400);
  expect(backwards.body.error).toMatchObject({ field: 'to' });
  // Another user sees nothing of these fills, and this broker is not theirs.
  const other = await signedInClient(app);
  expect((await other.get('/api/stats/summary').expect(200)).body).toMatchObject({ trades: 0 });
  expect((await other.get(`/api/stats/summary?brokerId=${brokerId}`)).status).toBe(404);
});

it('counts a fill recorded or corrected after the figures were read, at the next call', async () => {
  const before = await summary(`brokerId=${brokerId}`);
  const at = new Date(T0 + 20 * HOUR);
  const trade = (side: 'buy' | 'sell', price: string) => ({
    user_id: userId,
    broker_id: brokerId,
    source: 'manual',
    symbol: 'ETH/USDT',
    side,
    type: 'market',
    quantity: '1',
    filled_quantity: '1',
    average_price: price,
    status: 'closed',
    executed_at: at,
    created_at: at,
  });
  const [, sell] = await app
    .db('trades')
    .insert([trade('buy', '100'), trade('sell', '105')])
    .returning('id');
  const after = await summary(`brokerId=${brokerId}`);
  expect(after.trades).toBe(before.trades + 1);
  expect(Dec(after.realizedPnl).minus(before.realizedPnl).toFixed()).toBe('5');
  // The exchange's fill corrected (as the broker actor records it: with its update time).
  await app.db('trades').where({ id: sell.id }).update({ average_price: '104', updated_at: new Date() });
  expect(
    Dec((await summary(`brokerId=${brokerId}`)).realizedPnl)
      .minus(before.realizedPnl)
      .toFixed(),
  ).toBe('4');
});
