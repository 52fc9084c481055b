// The markets actor: a broker's "MAJ Paires de trading" loads the exchange's markets (here the fake Binance's real
// exchangeInfo) into exchange_symbols in one transaction, reporting its progress; /api/symbols searches them and
// a worker starting loads the markets its validated brokers lack.
import { Queue } from 'bullmq';
import { requestMissingMarkets } from '../../actors/markets/markets.actor';
import { eventsChannel } from '../../core/realtime/publisher';
import { openQueue } from '../../queues/connection';
import { QUEUES } from '../../queues/names';
import { binanceBroker, paperBrokerOf, signedInClient, startTradingStack } from '../helpers/trading';
import { until } from '../helpers/wait';

describe('markets', () => {
  let stack: Awaited<ReturnType<typeof startTradingStack>>;
  let queue: Queue;
  beforeAll(async () => {
    stack = await startTradingStack();
    queue = openQueue(QUEUES.markets, stack.app.config.REDIS_URL, stack.app.config.QUEUE_PREFIX);
    await stack.app.db('exchange_symbols').where({ exchange: 'binance' }).delete();
  });
  afterAll(async () => {
    await queue.close();
    await stack.close();
  });

  it("loads a broker's markets with progress events, replacing the exchange's rows", async () => {
    const client = await signedInClient(stack.app);
    const brokerId = await binanceBroker(client);
    // A stale row of an earlier load: replaced, not kept beside the new list.
    await stack.app
      .db('exchange_symbols')
      .insert({ exchange: 'binance', symbol: 'OLD/USDT', base: 'OLD', quote: 'USDT', type: 'spot' });
    const listener = stack.app.redis.duplicate();
    const progress: { percent: number; done: boolean; count?: number }[] = [];
    await listener.subscribe(eventsChannel(stack.app.config.QUEUE_PREFIX));
    listener.on('message', (_channel: string, message: string) => {
      const envelope = JSON.parse(message) as {
        event: string;
        payload: { exchange: string; percent: number; done: boolean };
      };
      if (envelope.event === 'markets:progress' && envelope.payload.exchange === 'binance')
        progress.push(envelope.payload);
    });
    try {
      const res = await client.send('post', `/api/brokers/${brokerId}/markets`);
      expect(res.status).toBe(202);
      expect(res.body.exchange).toBe('binance');
      await until(async () => progress.some((p) => p.done));
    } finally {
      await listener.quit();
    }
    expect(progress.at(-1)).toEqual({ exchange: 'binance', percent: 100, done: true, count: 6 });
    const percents = progress.map((p) => p.percent);
    expect(percents[0]).toBe(0);
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);

    const symbols = await stack.app.db('exchange_symbols').where({ exchange: 'binance' }).orderBy('symbol');
    expect(symbols.map((s: { symbol: string }) => s.symbol)).toEqual([
      'BNB/BTC',
      'BNB/USDT',
      'BTC/USDT',
      'ETH/BTC',
      'ETH/USDT',
      'XRP/ETH',
    ]);
    const btc = symbols.find((s: { symbol: string }) => s.symbol === 'BTC/USDT');
    expect(btc).toMatchObject({ base: 'BTC', quote: 'USDT', active: true, type: 'spot' });
    expect(Number(btc.amount_precision)).toBe(0.00001);
    expect(Number(btc.price_precision)).toBe(0.01);
    expect(Number(btc.min_cost)).toBe(5);

    const status = (await client.get('/api/markets/status').expect(200)).body;
    expect(status.exchanges).toContainEqual(
      expect.objectContaining({ exchange: 'binance', name: 'Binance', count: 6 }),
    );
    expect(status.loading).toEqual([]);
  });

  it('searches, filters by quote and pages the symbols; a paper broker sees its price source', async () => {
    const client = await signedInClient(stack.app);
    await until(async () => (await stack.app.db('exchange_symbols').where({ exchange: 'binance' })).length === 6);
    const usdt = (await client.get('/api/symbols?exchange=paper&quote=USDT&pageSize=2').expect(200)).body;
    expect(usdt).toMatchObject({ exchange: 'binance', total: 3, page: 1, pageSize: 2 });
    expect(usdt.items.map((i: { symbol: string }) => i.symbol)).toEqual(['BNB/USDT', 'BTC/USDT']);
    const page2 = (await client.get('/api/symbols?exchange=paper&quote=USDT&pageSize=2&page=2').expect(200)).body;
    expect(page2.items.map((i: { symbol: string }) => i.symbol)).toEqual(['ETH/USDT']);
    const search = (await client.get('/api/symbols?exchange=binance&q=eth').expect(200)).body;
    expect(search.items.map((i: { symbol: string }) => i.symbol)).toEqual(['ETH/BTC', 'ETH/USDT', 'XRP/ETH']);
    expect(search.items[1]).toMatchObject({ amountStep: '0.0001', priceStep: '0.01', minCost: '5' });
    const bad = await client.get('/api/symbols?exchange=binance&pageSize=1000');
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('pageSize');
  });

  it('asks at worker start for the markets of validated brokers that were never loaded', async () => {
    const client = await signedInClient(stack.app);
    await paperBrokerOf(client);
    await until(async () => (await stack.app.db('exchange_symbols').where({ exchange: 'binance' })).length === 6);
    await stack.app.db('exchange_symbols').where({ exchange: 'binance' }).delete();
    const missing = await requestMissingMarkets(stack.app.db, queue, 'binance');
    expect(missing).toContain('binance');
    await until(async () => (await stack.app.db('exchange_symbols').where({ exchange: 'binance' })).length === 6);
    expect(await requestMissingMarkets(stack.app.db, queue, 'binance')).not.toContain('binance');
  });
});
