// The broker actor's pace: one job at a time per account even with several worker processes, and an order never
// waiting behind its own account's request for the price that sizes it.
import { Queue, QueueEvents } from 'bullmq';
import { brokerQueue } from '../../queues/broker-jobs';
import { BrokerOperations } from '../../actors/broker/broker.operations';
import { ExchangeClients } from '../../core/exchanges/ccxt-client';
import { RequestPacer } from '../../core/exchanges/request-pacer';
import { queueOptions, workerConnection } from '../../queues/connection';
import { startBrokerWorkers } from '../helpers/brokers';
import { binanceBroker, mostInWindow, sendOrder, signedInClient, startTradingStack } from '../helpers/trading';

describe('broker pace', () => {
  let stack: Awaited<ReturnType<typeof startTradingStack>>;
  beforeAll(async () => {
    stack = await startTradingStack();
  });
  afterAll(() => stack.close());

  it('runs one job at a time for an account, across worker processes', async () => {
    const client = await signedInClient(stack.app);
    const brokerId = await binanceBroker(client);
    // A second worker process serving the same brokers.
    const second = await startBrokerWorkers(stack.app);
    const { REDIS_URL, QUEUE_PREFIX } = stack.app.config;
    const queue = new Queue(brokerQueue(brokerId), queueOptions(REDIS_URL, QUEUE_PREFIX));
    const events = new QueueEvents(brokerQueue(brokerId), {
      connection: workerConnection(REDIS_URL),
      prefix: QUEUE_PREFIX,
    });
    stack.fake.klinesDelayMs = 300;
    try {
      await events.waitUntilReady();
      const jobs = await Promise.all(
        [1, 2, 3].map(() => queue.add('ohlcv', { brokerId, symbol: 'BTC/USDT', timeframe: '1h', limit: 5 })),
      );
      await Promise.all(jobs.map((job) => job.waitUntilFinished(events, 10_000)));
      const spans = (await Promise.all(jobs.map((job) => queue.getJob(job.id!))))
        .map((job) => [job!.processedOn!, job!.finishedOn!] as const)
        .sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
    } finally {
      stack.fake.klinesDelayMs = 0;
      await events.close();
      await queue.close();
      await second.close();
    }
  });

  it("prices an order from the exchange's public API, paced apart from the account's own requests", async () => {
    const client = await signedInClient(stack.app);
    const brokerId = await binanceBroker(client);
    const keys: string[] = [];
    class RecordingPacer extends RequestPacer {
      override wait(key: string, intervalMs: number): Promise<void> {
        keys.push(key);
        return super.wait(key, intervalMs);
      }
      override reserve(key: string, intervalMs: number) {
        keys.push(key);
        return super.reserve(key, intervalMs);
      }
    }
    const { config, db, redis } = stack.app;
    const operations = new BrokerOperations(
      db,
      new ExchangeClients(config.EXCHANGE_API_OVERRIDES),
      config.SECRET_KEY,
      { priceSource: 'binance', slippage: '0' },
      new RecordingPacer(redis, `${config.QUEUE_PREFIX}-pace`),
    );
    const order = (n: number) =>
      operations.run('createOrder', {
        brokerId,
        businessKey: `pace-test:${brokerId}:${n}`,
        origin: { userId: client.user!.id, source: 'manual' },
        request: { symbol: 'BTC/USDT', side: 'buy', type: 'market', quoteAmount: '100' },
      });
    expect((await order(1)).status).toBe('closed');
    expect((await order(2)).status).toBe('closed');
    // The second order reuses the price (a few seconds old at most): one ticker request for two orders.
    expect(keys).toEqual(['public-binance', `broker-${brokerId}`, `broker-${brokerId}`]);
  });

  it('holds orders sent back to back to the rate limit, counted as they leave though their turn is taken early', async () => {
    const client = await signedInClient(stack.app);
    const brokerId = await binanceBroker(client);
    const buy = (n: number) =>
      sendOrder(client, brokerId, { side: n % 2 ? 'sell' : 'buy', requestId: `back-to-back-${brokerId}-${n}` });
    expect((await buy(0)).status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const from = stack.fake.requests.length;
    const answers = await Promise.all(Array.from({ length: 22 }, (_, i) => buy(i + 1)));
    expect(answers.every((a) => a.status === 201)).toBe(true);
    const times = stack.fake.requests
      .slice(from)
      .filter((r) => r.apiKey !== null)
      .map((r) => r.at);
    expect(times).toHaveLength(22);
    // ccxt's rateLimit for Binance, 50 ms (55 with our tenth), allows 18 in any 990 ms: the first 18 go without
    // waiting on each other, the 19th a second after the first.
    expect(mostInWindow(times, 1000)).toBeLessThanOrEqual(18);
    expect(times[18]! - times[0]!).toBeGreaterThanOrEqual(990 - 40);
  });
});
