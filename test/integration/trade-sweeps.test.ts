// The worker's periodic sweeps of trades. Trades left pending with nothing left to finish them (a job that gave up on
// an uncertain answer, a job lost with Redis) are settled from the exchange's own record of the order when it has
// one, refused when it never received it; a trade whose order job will still run is left to that job. Trades still
// open (resting limit orders) follow the exchange: a fill there is recorded without anyone opening the order.
import { Queue } from 'bullmq';
import { brokerQueue } from '../../queues/broker-jobs';
import { sweepOpenTrades, sweepPendingTrades } from '../../actors/broker/trade-sweeps';
import { createLogger } from '../../core/logger';
import { clientOrderId } from '../../core/trading/client-order-id';
import { queueOptions } from '../../queues/connection';
import type { Client } from '../helpers/app';
import { binanceBroker, paperBrokerOf, sendOrder, signedInClient, startTradingStack } from '../helpers/trading';
import { until } from '../helpers/wait';

describe('trade sweeps', () => {
  let stack: Awaited<ReturnType<typeof startTradingStack>>;
  beforeAll(async () => {
    stack = await startTradingStack();
  });
  afterAll(() => stack.close());

  const deps = () => ({
    db: stack.app.db,
    redis: stack.app.redis,
    redisUrl: stack.app.config.REDIS_URL,
    prefix: stack.app.config.QUEUE_PREFIX,
    logger: createLogger('silent', 'test'),
  });
  const sweep = () => sweepPendingTrades(deps());
  const brokerQueueOf = (brokerId: number) =>
    new Queue(brokerQueue(brokerId), queueOptions(stack.app.config.REDIS_URL, stack.app.config.QUEUE_PREFIX));
  const requests = (method: string) =>
    stack.fake.requests.filter((r) => r.method === method && r.path === '/api/v3/order').length;
  const orderPosts = () => requests('POST');
  const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
  const trade = (id: number) => stack.app.db('trades').where({ id }).first();

  /** A trade written pending as the actor writes it before calling the exchange, `minutes` ago. */
  async function pendingTrade(userId: number, brokerId: number, key: string, minutes: number): Promise<number> {
    const [row] = await stack.app
      .db('trades')
      .insert({
        user_id: userId,
        broker_id: brokerId,
        source: 'manual',
        client_order_id: clientOrderId(key),
        symbol: 'BTC/USDT',
        side: 'buy',
        type: 'market',
        quantity: '0.001',
        status: 'pending',
        created_at: minutesAgo(minutes),
        updated_at: minutesAgo(minutes),
      })
      .returning('id');
    return Number(row.id);
  }

  it('records an order the exchange took when its job is gone, without placing it again', async () => {
    const client = await signedInClient(stack.app);
    const brokerId = await binanceBroker(client);
    const placed = await sendOrder(client, brokerId);
    expect(placed.status).toBe(201);
    // As after a crash between the exchange and the database, with the job lost.
    await stack.app
      .db('trades')
      .where({ id: placed.body.id })
      .update({ status: 'pending', exchange_order_id: null, updated_at: minutesAgo(5) });
    const queue = brokerQueueOf(brokerId);
    await queue.remove(`order-${placed.body.clientOrderId}`);
    await queue.close();
    const sent = orderPosts();

    expect((await sweep()).queued).toContain(placed.body.id);
    const settled = await until(async () => {
      const row = await trade(placed.body.id);
      return row.status !== 'pending' && row;
    });
    expect(settled).toMatchObject({ status: 'closed', exchange_order_id: placed.body.exchangeOrderId });
    expect(orderPosts()).toBe(sent);
  });

  it('refuses a trade whose order never reached the exchange, and does not place it late', async () => {
    const client = await signedInClient(stack.app);
    const brokerId = await binanceBroker(client);
    const id = await pendingTrade(client.user!.id, brokerId, `manual:${client.user!.id}:never-sent`, 5);
    const sent = orderPosts();
    const lookups = requests('GET');

    expect((await sweep()).queued).toContain(id);
    const settled = await until(async () => {
      const row = await trade(id);
      return row.status !== 'pending' && row;
    });
    expect(settled).toMatchObject({ status: 'rejected', error_code: 'ORDER_NOT_SENT' });
    expect(settled.error_message).toMatch(/jamais atteint l'exchange/);
    expect(orderPosts()).toBe(sent);
    // The exchange was asked before the trade was given up.
    expect(requests('GET')).toBe(lookups + 1);
  });

  it('leaves a trade to its order job while that job will still run, and recent trades alone', async () => {
    const client = await signedInClient(stack.app);
    const brokerId = await binanceBroker(client);
    const key = `manual:${client.user!.id}:retry-later`;
    const waiting = await pendingTrade(client.user!.id, brokerId, key, 5);
    const recent = await pendingTrade(client.user!.id, brokerId, `manual:${client.user!.id}:just-now`, 0);
    const queue = brokerQueueOf(brokerId);
    // The order's job, due for a retry in a minute.
    await queue.add('createOrder', { brokerId }, { jobId: `order-${clientOrderId(key)}`, delay: 60_000 });
    try {
      const { queued, leftToTheirJob } = await sweep();
      expect(leftToTheirJob).toContain(waiting);
      expect(queued).not.toContain(waiting);
      expect(queued).not.toContain(recent);
      expect((await trade(waiting)).status).toBe('pending');
      expect((await trade(recent)).status).toBe('pending');
    } finally {
      await queue.remove(`order-${clientOrderId(key)}`);
      await queue.close();
    }
  });

  it.each([
    ['a Binance account', (client: Client) => binanceBroker(client)],
    ['the paper exchange', (client: Client) => paperBrokerOf(client)],
  ])('records the fill of a resting limit order on %s once the market reaches it', async (_label, brokerOf) => {
    const client = await signedInClient(stack.app);
    const brokerId = await brokerOf(client);
    const placed = await sendOrder(client, brokerId, { type: 'limit', amount: '0.01', price: '25000' });
    expect(placed.status).toBe(201);
    expect(placed.body.status).toBe('open');
    try {
      expect((await sweepOpenTrades(deps())).brokers).toContain(brokerId);
      // Nothing has changed at the exchange yet: the trade stays open.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await trade(placed.body.id)).status).toBe('open');

      stack.fake.setPrice('BTCUSDT', '24900.00000000');
      await sweepOpenTrades(deps());
      const filled = await until(async () => {
        const row = await trade(placed.body.id);
        return row.status === 'closed' && row;
      });
      expect(Number(filled.filled_quantity)).toBe(0.01);
      expect(Number(filled.average_price)).toBe(25000);
      expect(filled.executed_at).not.toBeNull();
    } finally {
      stack.fake.setPrice('BTCUSDT', '26000.00000000');
    }
  });
});
