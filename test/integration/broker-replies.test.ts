// How the web process gets the broker actor's answer: published by the worker to the process that asked; read from
// the job as BullMQ recorded its end for whoever joined a job someone else queued, and for a job that failed; a
// clear timeout when nothing answers.
import type { BrokerJobName } from '../../queues/broker-jobs';
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
