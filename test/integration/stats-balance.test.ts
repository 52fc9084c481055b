// The balance history: the stats actor's snapshots of a paper broker and a Binance broker (the fake Binance, through
// the broker actor) on the hour and after a fill, once per hour and fill however often it runs; a deposit found as
// what the fills do not explain; an exchange that cannot be reached marks the hour missing, never zero.
import { createLogger } from '../../core/logger';
import { takeDueSnapshots } from '../../core/stats/snapshots';
import { BrokerRequests } from '../../queues/broker-client';
import { binanceBroker, paperBrokerOf, sendOrder, signedInClient, startTradingStack } from '../helpers/trading';

const HOUR = 3_600_000;
let stack: Awaited<ReturnType<typeof startTradingStack>>;
let prices: BrokerRequests;

beforeAll(async () => {
  stack = await startTradingStack();
  const { config, redis } = stack.app;
  prices = new BrokerRequests(redis, config.REDIS_URL, config.QUEUE_PREFIX, 10_000);
});
afterAll(async () => {
  await prices.close();
  await stack.close();
});

it('values each broker on the hour and after its fills, finds a deposit, and marks an unreachable hour missing', async () => {
  const client = await signedInClient(stack.app);
  const paper = await paperBrokerOf(client);
  const binance = await binanceBroker(client);
  const brokers = [paper, binance];
  const deps = { db: stack.app.db, prices, logger: createLogger('silent', 'test') };
  const now = Date.now();

  expect(await takeDueSnapshots(deps, now, brokers)).toEqual({ taken: 2, missing: 0 });
  // Run again in the same hour: nothing new to take.
  expect(await takeDueSnapshots(deps, now + 1000, brokers)).toEqual({ taken: 0, missing: 0 });

  expect((await sendOrder(client, paper)).status).toBe(201);
  // The fill is valued at the next run, and the next hour's snapshot comes with it (one valuation for both).
  expect(await takeDueSnapshots(deps, now + HOUR, brokers)).toEqual({ taken: 2, missing: 0 });
  const paperRows = await stack.app.db('balance_snapshots').where({ broker_id: paper }).orderBy('id');
  expect(paperRows.map((r) => r.key.split(':')[0])).toEqual(['hour', 'hour', 'trade']);

  // 500 USDT arrive on the paper account outside any trade.
  await stack.app.db('paper_balances').where({ broker_id: paper, asset: 'USDT' }).increment('free', 500);
  await takeDueSnapshots(deps, now + 2 * HOUR, brokers);

  stack.fake.unavailable = true;
  try {
    expect(await takeDueSnapshots(deps, now + 3 * HOUR, brokers)).toEqual({ taken: 0, missing: 2 });
  } finally {
    stack.fake.unavailable = false;
  }

  const to = new Date(now + 4 * HOUR).toISOString();
  const one = (await client.get(`/api/stats/balance?brokerId=${paper}&to=${to}`).expect(200)).body;
  expect(one.currency).toBe('USDT');
  expect(one.points).toHaveLength(4);
  expect(one.flows).toEqual([expect.objectContaining({ brokerId: paper, valueUsd: '500', assets: { USDT: '500' } })]);
  const last = one.points.at(-1);
  expect(Number(last.value) - Number(last.performance)).toBe(500);
  // Before the deposit, buying BTC moved the value by its fee and slippage only.
  expect(Math.abs(Number(one.points[2].value) - Number(one.points[0].value))).toBeLessThan(1);
  const hourOf = (t: number) => new Date(Math.floor(t / HOUR) * HOUR).toISOString();
  expect(one.missing).toEqual([
    { time: hourOf(now + 3 * HOUR), brokerId: paper, reason: expect.stringContaining('overloaded') },
  ]);

  const all = (await client.get(`/api/stats/balance?to=${to}`).expect(200)).body;
  const binanceFirst = await stack.app.db('balance_snapshots').where({ broker_id: binance }).orderBy('id').first();
  // 0.5 BTC at 26,000 and 20,000 USDT on the fake Binance account.
  expect(binanceFirst.value_usdt).toBe('33000.000000000000000000');
  expect(all.points).toHaveLength(3);
  expect(Number(all.points[0].value)).toBeCloseTo(Number(one.points[0].value) + 33000, 6);
  expect(all.missing.map((m: { brokerId: number }) => m.brokerId).sort()).toEqual([paper, binance].sort());

  const other = await signedInClient(stack.app);
  expect((await other.get(`/api/stats/balance?to=${to}`).expect(200)).body).toMatchObject({ points: [], missing: [] });
  expect((await other.get(`/api/stats/balance?brokerId=${paper}`)).status).toBe(404);
});
