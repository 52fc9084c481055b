// Hostile input (findings 7 and 8 of issue 13): bad input is a 4xx naming the field, never a 5xx, and no answer
// carries SQL, a stack or an upstream's words; an id in a body is the signed-in user's or it does not exist.
import { EXAMPLE_STRATEGY } from '../../core/sandbox/templates';
import { Writable } from 'node:stream';
import pino from 'pino';
import { uniqueName, type Client } from '../helpers/app';
import { startBrokerWorkers } from '../helpers/brokers';
import { paperBrokerOf, sendOrder, signedInClient, startTradingStack } from '../helpers/trading';
import { backtestBody } from '../helpers/backtests';
import { activationBody } from '../helpers/activations';

let stack: Awaited<ReturnType<typeof startTradingStack>>;
let workers: { close(): Promise<void> };
/** The broker worker's log lines at error level, as JSON. */
const workerLog: Record<string, unknown>[] = [];
beforeAll(async () => {
  stack = await startTradingStack({}, false);
  const destination = new Writable({
    write(line: Buffer, _encoding, done) {
      workerLog.push(JSON.parse(line.toString()));
      done();
    },
  });
  workers = await startBrokerWorkers(stack.app, pino({ level: 'error' }, destination));
});
afterAll(async () => {
  await workers.close();
  await stack.close();
});

/**
 * Makes PostgreSQL refuse `user`'s new rows in `table`, a real failure none of our checks knows: NOT VALID leaves
 * existing rows alone, and other users are not concerned.
 */
async function refuseRowsOf<T>(table: string, userId: number, during: () => Promise<T>): Promise<T> {
  const name = `input_test_refuses_${userId}`;
  await stack.app.db.raw(`ALTER TABLE ?? ADD CONSTRAINT ?? CHECK (user_id <> ${Number(userId)}) NOT VALID`, [
    table,
    name,
  ]);
  try {
    return await during();
  } finally {
    await stack.app.db.raw(`ALTER TABLE ?? DROP CONSTRAINT ??`, [table, name]);
  }
}

async function strategyOf(client: Client): Promise<number> {
  const res = await client.send('post', '/api/strategies', {
    name: uniqueName('s'),
    timeframe: '1h',
    code: EXAMPLE_STRATEGY,
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function rowCount(table: string): Promise<number> {
  const [{ count }] = (await stack.app.db(table).count({ count: '*' })) as { count: string }[];
  return Number(count);
}

/** A refusal as the API gives one: the field named, a French message, nothing internal. */
function expectRefusal(res: { status: number; body: unknown }, status: number, field?: string) {
  expect({ status: res.status, body: res.body }).toMatchObject({
    status,
    body: { error: { code: expect.any(String), message: expect.any(String), ...(field ? { field } : {}) } },
  });
  expect(JSON.stringify(res.body)).not.toMatch(/insert into|select |violates|numeric field overflow|at .*\.ts:\d+/i);
}

describe('finding 7: bad input answers 4xx', () => {
  it('refuses a NUL character in any text field, naming it', async () => {
    const client = await signedInClient(stack.app);
    const strategyId = await strategyOf(client);
    const brokerId = await paperBrokerOf(client);
    const nul = 'a\u0000b';
    const cases: [string, 'post' | 'put', string, Record<string, unknown>, string][] = [
      ['login', 'post', '/api/auth/login', { username: nul, password: 'password-123' }, 'username'],
      ['strategy', 'post', '/api/strategies', { name: nul, timeframe: '1h', code: EXAMPLE_STRATEGY }, 'name'],
      ['strategy code', 'post', '/api/strategies', { name: 'x', timeframe: '1h', code: `// ${nul}` }, 'code'],
      ['broker', 'post', '/api/brokers', { name: nul, exchange: 'paper' }, 'name'],
      ['backtest', 'post', '/api/backtests', backtestBody(strategyId, { source: nul }), 'source'],
      ['ai model', 'put', '/api/ai/settings', { provider: 'ollama', model: nul }, 'model'],
      ['activation', 'post', '/api/active-strategies', activationBody(strategyId, brokerId, { symbol: nul }), 'symbol'],
      [
        'credentials',
        'post',
        '/api/brokers',
        { name: 'b', exchange: 'binance', credentials: { apiKey: nul } },
        'credentials.apiKey',
      ],
    ];
    const before = await rowCount('strategies');
    for (const [what, method, url, body, field] of cases) {
      const res = await client.send(method, url, body);
      expect([what, res.status, res.body.error?.code, res.body.error?.field]).toEqual([
        what,
        400,
        'VALIDATION_ERROR',
        field,
      ]);
      expect(res.body.error.message).toMatch(/caractère nul/i);
    }
    const query = await client.get(`/api/symbols?exchange=binance&q=${encodeURIComponent(nul)}`);
    expect([query.status, query.body.error?.field]).toEqual([400, 'q']);
    const path = await client.get('/api/strategies/1%00');
    expect(path.status).toBe(400);
    expect(await rowCount('strategies')).toBe(before);
  });

  it('refuses numbers that numeric(36,18) cannot hold, naming the field', async () => {
    const client = await signedInClient(stack.app);
    const strategyId = await strategyOf(client);
    const brokerId = await paperBrokerOf(client);
    const backtests = await rowCount('backtest_results');
    const trades = await rowCount('trades');
    for (const initialAmount of ['1' + '0'.repeat(30), '1.' + '1'.repeat(30)]) {
      const res = await client.send('post', '/api/backtests', backtestBody(strategyId, { initialAmount }));
      expectRefusal(res, 400, 'initialAmount');
    }
    const orders: [Record<string, unknown>, string][] = [
      [{ amount: '9'.repeat(25) }, 'amount'],
      [{ amount: '0.' + '0'.repeat(30) + '1' }, 'amount'],
      [{ type: 'limit', amount: '0.01', price: '1' + '0'.repeat(20) }, 'price'],
      [{ amount: undefined, quoteAmount: '9'.repeat(40) }, 'quoteAmount'],
    ];
    for (const [fields, field] of orders) expectRefusal(await sendOrder(client, brokerId, fields), 400, field);
    expect(await rowCount('backtest_results')).toBe(backtests);
    expect(await rowCount('trades')).toBe(trades);
  });

  it('treats a 200-digit id as a row that does not exist, and refuses dates out of range', async () => {
    const client = await signedInClient(stack.app);
    const huge = '9'.repeat(200);
    for (const url of [
      `/api/strategies/${huge}`,
      `/api/backtests/${huge}`,
      `/api/brokers/${huge}`,
      `/api/active-strategies/${huge}`,
    ]) {
      expectRefusal(await client.get(url), 404);
    }
    expectRefusal(await client.send('delete', `/api/trading/orders/${huge}`), 404);
    expectRefusal(await client.get(`/api/trades?brokerId=${huge}`), 400, 'brokerId');
    expectRefusal(await client.get(`/api/trading/portfolio?brokerId=${huge}`), 400, 'brokerId');
    const strategyId = await strategyOf(client);
    expectRefusal(
      await client.send('post', '/api/backtests', backtestBody(strategyId, { strategyId: huge })),
      400,
      'strategyId',
    );
    expectRefusal(
      await client.send('post', '/api/backtests', backtestBody(strategyId, { from: '0001-01-01', to: '2024-01-01' })),
      400,
      'from',
    );
    expectRefusal(
      await client.get(`/api/heartbeat/candles?symbol=BTCUSDT&timeframe=1m&from=${'9'.repeat(20)}`),
      400,
      'from',
    );
  });
});

describe('finding 8: ids in a body are resolved through the tenant scope', () => {
  it("refuses another user's broker in a backtest exactly as an unknown one, and stores nothing", async () => {
    const alice = await signedInClient(stack.app);
    const bob = await signedInClient(stack.app);
    const alicesBroker = await paperBrokerOf(alice);
    const bobsStrategy = await strategyOf(bob);
    const before = await rowCount('backtest_results');
    const foreign = await bob.send('post', '/api/backtests', backtestBody(bobsStrategy, { brokerId: alicesBroker }));
    const unknown = await bob.send('post', '/api/backtests', backtestBody(bobsStrategy, { brokerId: 2 ** 40 }));
    expectRefusal(foreign, 400, 'brokerId');
    expect({ status: unknown.status, body: unknown.body }).toEqual({ status: foreign.status, body: foreign.body });
    expect(await rowCount('backtest_results')).toBe(before);

    const own = await bob.send(
      'post',
      '/api/backtests',
      backtestBody(bobsStrategy, { brokerId: await paperBrokerOf(bob) }),
    );
    expect(own.status).toBe(201);
  });
});

describe('internal failures', () => {
  it('answers INTERNAL_ERROR with the request id, also in X-Request-Id, and nothing of the cause', async () => {
    const client = await signedInClient(stack.app);
    const res = await refuseRowsOf('strategies', client.user!.id, () =>
      client.send('post', '/api/strategies', { name: uniqueName('s'), timeframe: '1h', code: EXAMPLE_STRATEGY }),
    );
    expect(res.status).toBe(500);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body).toEqual({
      error: { code: 'INTERNAL_ERROR', message: 'Erreur interne du serveur', requestId: res.headers['x-request-id'] },
    });
  });

  it("tells the web a broker failure that is not ours generically, and logs it on the worker under the request's id", async () => {
    const client = await signedInClient(stack.app);
    const brokerId = await paperBrokerOf(client);
    // The order's trade cannot be written: every attempt fails (3, the last one answers). The same order asked
    // again meanwhile joins the job, and learns of its end from BullMQ's record, where the SQL error is kept.
    const order = { requestId: 'internal-failure-0001' };
    const [res, joined] = await refuseRowsOf('trades', client.user!.id, () =>
      Promise.all([
        sendOrder(client, brokerId, order),
        new Promise((resolve) => setTimeout(resolve, 300)).then(() => sendOrder(client, brokerId, order)),
      ]),
    );
    const requestId = res.headers['x-request-id'];
    const generic = { code: 'BROKER_FAILED', message: 'Le broker a échoué : erreur interne' };
    expect({ status: res.status, body: res.body }).toEqual({ status: 502, body: { error: { ...generic, requestId } } });
    expect({ status: joined.status, body: joined.body }).toEqual({
      status: 502,
      body: { error: { ...generic, requestId: joined.headers['x-request-id'] } },
    });
    const logged = workerLog.find((line) => line.requestId === requestId);
    expect(logged).toMatchObject({ msg: 'broker job failed', job: 'createOrder', brokerId });
    expect(JSON.stringify(logged)).toMatch(/violates check constraint/);
  }, 20_000);

  it('passes our own typed refusals from the broker through, in French, with their field', async () => {
    const client = await signedInClient(stack.app);
    const res = await sendOrder(client, await paperBrokerOf(client), { amount: '0' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ field: 'amount', message: 'Quantité : doit être supérieur à 0' });
  });
});
