// What the Trading manuel page reads besides orders: the chosen pair's candles from the exchange (its price chart),
// through the user's own broker only, and the trade history paged backwards with `before`.
import { binanceBroker, paperBrokerOf, sendOrder, signedInClient, startTradingStack } from '../helpers/trading';

describe('trading chart and trade history', () => {
  let stack: Awaited<ReturnType<typeof startTradingStack>>;
  beforeAll(async () => {
    stack = await startTradingStack();
  });
  afterAll(() => stack.close());

  it("serves the pair's candles from the exchange through the user's broker", async () => {
    const client = await signedInClient(stack.app);
    const brokerId = await binanceBroker(client);
    const res = await client.get(`/api/trading/ohlcv?brokerId=${brokerId}&symbol=BTC/USDT&timeframe=1h&limit=24`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ symbol: 'BTC/USDT', timeframe: '1h' });
    expect(res.body.candles).toHaveLength(24);
    const [first, second] = res.body.candles;
    expect(second.time - first.time).toBe(3_600_000);
    expect(first).toMatchObject({ close: '26000' });
  });

  it("refuses another user's broker like a missing one, and names a bad timeframe", async () => {
    const alice = await signedInClient(stack.app);
    const bob = await signedInClient(stack.app);
    const aliceBroker = await paperBrokerOf(alice);
    const foreign = await bob.get(`/api/trading/ohlcv?brokerId=${aliceBroker}&symbol=BTC/USDT`);
    expect(foreign.status).toBe(404);
    const bad = await alice.get(`/api/trading/ohlcv?brokerId=${aliceBroker}&symbol=BTC/USDT&timeframe=7m`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('timeframe');
    expect(bad.body.error.message).toBe('Unité de temps : 1m, 5m, 15m, 1h, 4h ou 1d');
  });

  it('pages the trades backwards: `before` gives the older ones, and must be a positive integer', async () => {
    const client = await signedInClient(stack.app);
    const brokerId = await paperBrokerOf(client);
    for (let i = 0; i < 3; i++) expect((await sendOrder(client, brokerId)).status).toBe(201);
    const all = (await client.get(`/api/trades?brokerId=${brokerId}`).expect(200)).body as { id: number }[];
    expect(all).toHaveLength(3);
    const first = (await client.get(`/api/trades?brokerId=${brokerId}&limit=2`).expect(200)).body as { id: number }[];
    expect(first.map((t) => t.id)).toEqual([all[0].id, all[1].id]);
    const next = (await client.get(`/api/trades?brokerId=${brokerId}&limit=2&before=${first[1].id}`).expect(200))
      .body as { id: number }[];
    expect(next.map((t) => t.id)).toEqual([all[2].id]);
    for (const bad of ['0', '-3', '1.5', 'abc']) {
      const res = await client.get(`/api/trades?before=${bad}`);
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe('before');
    }
  });
});
