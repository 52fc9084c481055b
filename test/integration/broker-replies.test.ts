// How the web process gets the broker actor's answer: published by the worker to the process that asked; read from
// the job as BullMQ recorded its end for whoever joined a job someone else queued, and for a job that failed; a
// clear timeout when nothing answers.
import { UnrecoverableError, Worker } from 'bullmq';
import { BROKER_DELETED, brokerQueue, brokersChannel, type BrokerJobName } from '../../queues/broker-jobs';
import { openQueue, workerOptions } from '../../queues/connection';
import { ORDER_JOB, orderKeys } from '../../queues/jobs';
import { ExchangeError } from '../../core/exchanges/errors';
import { BrokerRequests } from '../../queues/broker-client';
import { binanceBroker, sendOrder, signedInClient, startTradingStack } from '../helpers/trading';
import { until } from '../helpers/wait';

describe('broker replies', () => {
  let stack: Awaited<ReturnType<typeof startTradingStack>>;
  beforeAll(async () => {
    stack = await startTradingStack();
  });
  afterAll(() => stack.close());

  const orderPosts = () => stack.fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/v3/order');

  it('publishes the answer to the web process that asked', async () => {
    const client = await signedInClient(stack.app);
    const brokerId = await binanceBroker(client);
    const listener = stack.app.redis.duplicate();
    const messages: { channel: string; body: { token: string; reply: { ok: boolean; value: { id: number } } } }[] = [];
    listener.on('pmessage', (_pattern: string, channel: string, message: string) =>
      messages.push({ channel, body: JSON.parse(message) }),
    );
    await listener.psubscribe(`${stack.app.config.QUEUE_PREFIX}:broker-replies:*`);
    try {
      const res = await sendOrder(client, brokerId);
      expect(res.status).toBe(201);
      const answer = await until(() => messages.find((m) => m.body.reply.ok && m.body.reply.value.id === res.body.id));
      expect(answer.body.token).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await listener.quit();
    }
  });

  it('answers two identical requests sent at once with the one order placed', async () => {
    const client = await signedInClient(stack.app);
    const brokerId = await binanceBroker(client);
    const sent = orderPosts().length;
    // The exchange holds its answer, so the second request joins the job while it runs.
    stack.fake.onOrderAccepted = () => new Promise((resolve) => setTimeout(resolve, 300));
    try {
      const order = { requestId: 'same-request-twice' };
      const [first, second] = await Promise.all([
        sendOrder(client, brokerId, order),
        new Promise((resolve) => setTimeout(resolve, 50)).then(() => sendOrder(client, brokerId, order)),
      ]);
      expect([first.status, second.status]).toEqual([201, 201]);
      expect(second.body.id).toBe(first.body.id);
      expect(orderPosts()).toHaveLength(sent + 1);
    } finally {
      stack.fake.onOrderAccepted = undefined;
    }
  });

  it('reports a job that failed for good, without its reason', async () => {
    const client = await signedInClient(stack.app);
    const brokerId = await binanceBroker(client);
    const { REDIS_URL, QUEUE_PREFIX } = stack.app.config;
    const requests = new BrokerRequests(stack.app.redis, REDIS_URL, QUEUE_PREFIX, 5_000);
    try {
      // A job the actor does not know: it throws, which is not an answer, and the job fails (no retry asked).
      const failure = await requests.call('noSuchJob' as BrokerJobName, { brokerId }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ExchangeError);
      // What failed stays in the logs: the asker only learns that it did.
      expect(failure).toMatchObject({ code: 'BROKER_FAILED', message: 'Le broker a échoué : erreur interne' });
    } finally {
      await requests.close();
    }
  });

  it('runs an order job that failed (its worker gone past the stall limit) again when the order is asked again', async () => {
    const client = await signedInClient(stack.app);
    const brokerId = await binanceBroker(client);
    const userId = Number((await client.get('/api/auth/me').expect(200)).body.user.id);
    const { REDIS_URL, QUEUE_PREFIX } = stack.app.config;
    // No worker serves the broker while its job is made to fail as BullMQ fails a stalled job.
    await stack.app.redis.publish(brokersChannel(QUEUE_PREFIX), `${BROKER_DELETED}${brokerId}`);
    const queue = openQueue(brokerQueue(brokerId), REDIS_URL, QUEUE_PREFIX);
    const taker = new Worker(brokerQueue(brokerId), null, workerOptions(REDIS_URL, QUEUE_PREFIX));
    const requests = new BrokerRequests(stack.app.redis, REDIS_URL, QUEUE_PREFIX, 10_000);
    try {
      await until(async () => (await queue.getWorkers()).length === 1);
      const data = {
        brokerId,
        businessKey: orderKeys.manual(userId, 'failed-job-asked-again'),
        origin: { userId, source: 'manual' as const },
        request: { symbol: 'BTC/USDT', side: 'buy' as const, type: 'market' as const, amount: '0.001' },
      };
      const options = ORDER_JOB(data.businessKey);
      await queue.add('createOrder', data, options);
      const job = (await taker.getNextJob('taker'))!;
      expect(job.id).toBe(options.jobId);
      // Failed for good, its attempts left or not: what BullMQ does to a job stalled past its limit.
      await job.moveToFailed(new UnrecoverableError('job stalled more than allowable limit'), 'taker', false);
      expect(await job.isFailed()).toBe(true);
      const sent = orderPosts().length;

      const trade = await requests.placeOrder(data);
      expect(trade).toMatchObject({ status: 'closed', symbol: 'BTC/USDT' });
      expect(orderPosts()).toHaveLength(sent + 1);
      expect(await stack.app.db('trades').where({ broker_id: brokerId })).toHaveLength(1);
      // Asked once more, the job (completed now) is joined: no second order.
      expect((await requests.placeOrder(data)).id).toBe(trade.id);
      expect(orderPosts()).toHaveLength(sent + 1);
    } finally {
      await taker.close();
      await queue.close();
      await requests.close();
    }
  }, 30_000);

  it('gives up with BROKER_TIMEOUT when no worker answers in time', async () => {
    const { REDIS_URL } = stack.app.config;
    const requests = new BrokerRequests(stack.app.redis, REDIS_URL, `${stack.app.config.QUEUE_PREFIX}-nobody`, 400);
    const started = Date.now();
    try {
      const failure = await requests.call('balance', { brokerId: 1 }).catch((error: unknown) => error);
      expect(failure).toMatchObject({ code: 'BROKER_TIMEOUT', failure: 'timeout' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(400);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await requests.close();
    }
  });
});
