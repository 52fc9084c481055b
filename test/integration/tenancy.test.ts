// Multi-tenancy: user B never reads or changes user A's rows. The tables below list every user-owned API area and
// every route that takes an id in its body or query string; the last tests fail when an area with `/:id` routes, or
// a route taking an id, is added to the app without being listed here with its proof.
import { watchParses } from '../../core/validation';
import { apiAreas } from '../../http/app';
import { idFieldsOf } from '../../http/params';
import { signedInClient, startTestApp, uniqueName, type Client, type TestApp } from '../helpers/app';
import { startBrokerWorkers } from '../helpers/brokers';
import { backtestBody } from '../helpers/backtests';
import { TUNABLE_EMA_CROSS } from '../../core/sandbox/templates';
import { activate, activationBody, listMarket } from '../helpers/activations';
import {
  expectIdInputIsolation,
  expectTenantIsolation,
  MISSING_ID,
  type IdInputProof,
  type OwnedResource,
} from '../helpers/tenancy';

const EXAMPLE_CODE = 'class S extends Strategy { shouldLong() { return false; } }';

const OWNED: OwnedResource[] = [
  {
    basePath: '/api/strategies',
    create: async (client) => {
      const res = await client.send('post', '/api/strategies', {
        name: uniqueName('s'),
        timeframe: '15m',
        code: EXAMPLE_CODE,
      });
      expect(res.status).toBe(201);
      return res.body.id;
    },
    updateBody: { name: 'taken over', timeframe: '1h', code: EXAMPLE_CODE },
    actions: ['GET /:id/params'],
  },
  {
    basePath: '/api/brokers',
    create: async (client) => {
      const res = await client.send('post', '/api/brokers', { name: uniqueName('b'), exchange: 'paper' });
      expect(res.status).toBe(201);
      return res.body.broker.id;
    },
    updateBody: { name: 'taken over' },
    actions: ['POST /:id/test', 'POST /:id/markets'],
  },
  {
    basePath: '/api/backtests',
    create: async (client) => {
      const strategies = (await client.get('/api/strategies').expect(200)).body as { id: number }[];
      const res = await client.send('post', '/api/backtests', backtestBody(strategies[0].id));
      expect(res.status).toBe(201);
      return res.body.id;
    },
    // Backtests have no PUT: B's PUT must still answer 404 like every route on A's row.
    updateBody: {},
    actions: ['GET /:id/candles', 'GET /:id/equity', 'GET /:id/equity.csv', 'POST /:id/cancel'],
  },
  {
    basePath: '/api/sweeps',
    create: async (client) => {
      const strategy = await client.send('post', '/api/strategies', {
        name: uniqueName('s'),
        timeframe: '1h',
        code: TUNABLE_EMA_CROSS,
      });
      expect(strategy.status).toBe(201);
      const res = await client.send('post', '/api/sweeps', {
        ...backtestBody(strategy.body.id),
        params: { fast: [5, 10] },
      });
      expect(res.status).toBe(201);
      return res.body.id;
    },
    // Sweeps have no PUT: B's PUT must still answer 404 like every route on A's row.
    updateBody: {},
    actions: ['POST /:id/cancel'],
  },
  {
    basePath: '/api/active-strategies',
    create: async (client) => {
      await listMarket(app.db, app.config.PAPER_PRICE_SOURCE, 'BTC/USDT');
      return activate(client);
    },
    updateBody: { endDate: '2099-01-01T00:00:00.000Z', budget: '1' },
    actions: ['POST /:id/stop', 'POST /:id/sell', 'POST /:id/suspend', 'POST /:id/resume'],
  },
  {
    basePath: '/api/webhook-sources',
    create: async (client) => {
      const res = await client.send('post', '/api/webhook-sources', { name: uniqueName('w'), symbol: 'BTC/USDT' });
      expect(res.status).toBe(201);
      return res.body.id;
    },
    updateBody: { name: 'taken over', active: false },
    actions: ['POST /:id/token', 'POST /:id/test'],
  },
];

/**
 * User areas whose `/:id` routes are not plain CRUD, with the test that proves their isolation instead (user B's
 * requests naming user A's broker or order answer 404 and change nothing).
 */
const PROVEN_ELSEWHERE: Record<string, string> = {
  '/api/trading': 'test/integration/trading-binance.test.ts',
};

const brokerOf = async (client: Client): Promise<number> =>
  ((await client.get('/api/brokers').expect(200)).body as { id: number }[])[0].id;
const strategyOf = async (client: Client): Promise<number> =>
  ((await client.get('/api/strategies').expect(200)).body as { id: number }[])[0].id;
const order = { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: '0.001' };

/**
 * Every id a body or a query string takes (`METHOD /path field`), with the proof that user B naming user A's row is
 * answered exactly like a row that does not exist, and writes and shows nothing.
 */
const STATS_ROUTES = ['summary', 'by-strategy', 'by-webhook-source', 'pnl', 'trades', 'trades.csv', 'balance'];
const ID_INPUTS: Record<string, IdInputProof> = {
  'POST /api/backtests strategyId': {
    own: strategyOf,
    request: (bob, id) => bob.send('post', '/api/backtests', backtestBody(id)),
  },
  'POST /api/sweeps strategyId': {
    own: strategyOf,
    request: (bob, id) => bob.send('post', '/api/sweeps', { ...backtestBody(id), params: { fast: [5] } }),
  },
  'POST /api/backtests brokerId': {
    own: brokerOf,
    request: async (bob, id) =>
      bob.send('post', '/api/backtests', backtestBody(await strategyOf(bob), { brokerId: id })),
  },
  // Every statistics route takes the same filters: another user's broker is a missing one on each.
  ...Object.fromEntries(
    STATS_ROUTES.map((route): [string, IdInputProof] => [
      `GET /api/stats/${route} brokerId`,
      { own: brokerOf, request: (bob, id) => bob.get(`/api/stats/${route}?brokerId=${id}`) },
    ]),
  ),
  'GET /api/trading/portfolio brokerId': {
    own: brokerOf,
    request: (bob, id) => bob.get(`/api/trading/portfolio?brokerId=${id}`),
  },
  'GET /api/trading/ticker brokerId': {
    own: brokerOf,
    request: (bob, id) => bob.get(`/api/trading/ticker?brokerId=${id}&symbol=BTC/USDT`),
  },
  'POST /api/trading/orders brokerId': {
    own: brokerOf,
    request: (bob, id) => bob.send('post', '/api/trading/orders', { ...order, brokerId: id }),
  },
  'GET /api/trading/orders/open brokerId': {
    own: brokerOf,
    request: (bob, id) => bob.get(`/api/trading/orders/open?brokerId=${id}`),
  },
  'DELETE /api/trading/orders/:id brokerId': {
    own: brokerOf,
    request: (bob, id) => bob.send('delete', `/api/trading/orders/123?brokerId=${id}&symbol=BTC/USDT`),
  },
  'GET /api/trades brokerId': {
    own: brokerOf,
    request: (bob, id) => bob.get(`/api/trades?brokerId=${id}`),
  },
  'POST /api/active-strategies strategyId': {
    own: strategyOf,
    request: async (bob, id) => bob.send('post', '/api/active-strategies', activationBody(id, await brokerOf(bob))),
  },
  'POST /api/active-strategies brokerId': {
    own: brokerOf,
    request: async (bob, id) => bob.send('post', '/api/active-strategies', activationBody(await strategyOf(bob), id)),
  },
  'POST /api/webhook-sources brokerId': {
    own: brokerOf,
    request: (bob, id) => bob.send('post', '/api/webhook-sources', { name: uniqueName('w'), brokerId: id }),
  },
  'GET /api/trading/ohlcv brokerId': {
    own: brokerOf,
    request: (bob, id) => bob.get(`/api/trading/ohlcv?brokerId=${id}&symbol=BTC/USDT`),
  },
};

/**
 * Ids that name no row but bound a list of the user's own rows (a page cursor: rows older than this id), with the
 * proof that user B's answer, given user A's id, holds only B's rows.
 */
const ID_BOUNDS: Record<string, (alice: Client, bob: Client) => Promise<void>> = {
  'GET /api/webhooks sourceId': async (alice, bob) => {
    const source = await alice.send('post', '/api/webhook-sources', { name: uniqueName('w') });
    expect((await alice.send('post', `/api/webhook-sources/${source.body.id}/test`)).status).toBe(200);
    expect((await bob.get(`/api/webhooks?sourceId=${source.body.id}`).expect(200)).body).toEqual([]);
    expect((await alice.get(`/api/webhooks?sourceId=${source.body.id}`).expect(200)).body).toHaveLength(1);
  },
  'GET /api/trades before': async (alice, bob) => {
    const [trade] = await app
      .db('trades')
      .insert({
        user_id: alice.user!.id,
        source: 'manual',
        symbol: 'BTC/USDT',
        side: 'buy',
        type: 'market',
        status: 'rejected',
      })
      .returning('id');
    const page = (await bob.get(`/api/trades?before=${Number(trade.id)}`).expect(200)).body as { id: number }[];
    expect(page).toEqual([]);
    expect((await alice.get(`/api/trades?before=${Number(trade.id) + 1}`).expect(200)).body).toHaveLength(1);
  },
};

/** Ids whose proof needs a row of each user: user B's own row, changed to name user A's. */
const ID_SWAPS: Record<string, (alice: Client, bob: Client) => Promise<void>> = {
  'PUT /api/webhook-sources/:id brokerId': async (alice, bob) => {
    const own = (await bob.send('post', '/api/webhook-sources', { name: uniqueName('w') })).body;
    const foreign = await bob.send('put', `/api/webhook-sources/${own.id}`, { brokerId: await brokerOf(alice) });
    const missing = await bob.send('put', `/api/webhook-sources/${own.id}`, { brokerId: MISSING_ID });
    expect(foreign.status).toBe(400);
    expect(foreign.body).toEqual(missing.body);
    expect((await bob.get(`/api/webhook-sources/${own.id}`).expect(200)).body).toEqual(own);
  },
};

let app: TestApp;
let brokers: { close(): Promise<void> };
beforeAll(async () => {
  // Webhook URLs name this public address, not the ephemeral port each request of supertest reaches.
  app = await startTestApp({ PUBLIC_URL: 'https://bot.example.org' });
  brokers = await startBrokerWorkers(app);
});
afterAll(async () => {
  await brokers.close();
  await app.close();
});

describe.each(OWNED.map((r) => [r.basePath, r] as const))('%s', (_path, resource) => {
  it("keeps user A's rows out of user B's reach", async () => {
    await expectTenantIsolation(app, resource);
  });
});

describe.each(Object.entries(ID_INPUTS))('%s', (_route, proof) => {
  it("answers user A's id exactly like a missing one, and writes nothing", async () => {
    await expectIdInputIsolation(app, proof);
  });
});

describe.each(Object.entries(ID_SWAPS))('%s', (_route, proof) => {
  it("refuses user A's id exactly like a missing one, and leaves user B's row as it was", async () => {
    await proof(await signedInClient(app), await signedInClient(app));
  });
});

describe.each(Object.entries(ID_BOUNDS))('%s', (_route, proof) => {
  it("shows none of user A's rows when given user A's id", async () => {
    await proof(await signedInClient(app), await signedInClient(app));
  });
});

const areasOf = (test: TestApp) =>
  apiAreas({ config: test.config, db: test.db, redis: test.redis, logger: {} as never, publisher: test.publisher });

it('covers every user-owned area that has /:id routes', () => {
  const areas = apiAreas({
    config: app.config,
    db: app.db,
    redis: app.redis,
    logger: {} as never,
    publisher: app.publisher,
  });
  const withIds = areas
    .filter((area) => area.data === 'user')
    .filter((area) =>
      (area.router.stack as { route?: { path: string } }[]).some((layer) => layer.route?.path.includes(':id')),
    )
    .map((area) => area.path);
  expect(withIds.length).toBeGreaterThan(0);
  expect(withIds.sort()).toEqual([...OWNED.map((r) => r.basePath), ...Object.keys(PROVEN_ELSEWHERE)].sort());
});

it('asks every /:id route of the areas above as user B', () => {
  const asked = OWNED.flatMap((r) => [
    ...['GET /:id', 'PUT /:id', 'DELETE /:id', ...(r.actions ?? [])].map((route) => `${r.basePath} ${route}`),
  ]);
  const routes = areasOf(app)
    .filter((area) => OWNED.some((r) => r.basePath === area.path))
    .flatMap((area) =>
      (area.router.stack as { route?: { path: string; methods: Record<string, boolean> } }[])
        .filter((layer) => layer.route?.path.includes(':id'))
        .flatMap((layer) =>
          Object.keys(layer.route!.methods)
            .filter((m) => m !== '_all' && m !== 'head')
            .map((m) => `${area.path} ${m.toUpperCase()} ${layer.route!.path}`),
        ),
    );
  expect(asked).toEqual(expect.arrayContaining(routes));
});

it("keeps user A's activations and positions out of user B's lists and emergency stop", async () => {
  const alice = await signedInClient(app);
  const bob = await signedInClient(app);
  await listMarket(app.db, app.config.PAPER_PRICE_SOURCE, 'BTC/USDT');
  const id = await activate(alice);
  const [position] = await app
    .db('positions')
    .insert({
      user_id: alice.user!.id,
      broker_id: await brokerOf(alice),
      active_strategy_id: id,
      symbol: 'BTC/USDT',
      side: 'long',
      quantity: '1',
      entry_price: '100',
    })
    .returning('id');
  expect((await bob.send('post', '/api/active-strategies/emergency-stop', { closePositions: true })).body).toEqual({
    suspended: 0,
    closing: 0,
  });
  expect((await bob.get('/api/positions').expect(200)).body).toEqual([]);
  expect((await bob.get('/api/positions?status=open').expect(200)).body).toEqual([]);
  expect((await alice.get('/api/positions').expect(200)).body.map((p: { id: number }) => p.id)).toEqual([
    Number(position.id),
  ]);
  expect((await alice.get(`/api/active-strategies/${id}`).expect(200)).body.state).toBe('active');
});

/**
 * Every route of every area is asked once, with an empty body and query string, by a signed-in user; the schemas
 * it parses its input with tell which of its fields take ids (made with `idField`).
 */
it('covers every route that takes an id in its body or query string', async () => {
  let client = await signedInClient(app);
  const found = new Set<string>();
  for (const area of areasOf(app)) {
    for (const layer of area.router.stack as { route?: { path: string; methods: Record<string, boolean> } }[]) {
      if (!layer.route) continue;
      const path = `${area.path}${layer.route.path === '/' ? '' : layer.route.path}`;
      for (const method of Object.keys(layer.route.methods).filter((m) => m !== '_all' && m !== 'head')) {
        const fields: string[] = [];
        const stop = watchParses((schema) => fields.push(...idFieldsOf(schema)));
        try {
          const url = path.replace(/:\w+/g, '1');
          if (method === 'get') await client.get(url);
          else await client.send(method as 'post' | 'put' | 'delete', url, {});
        } finally {
          stop();
        }
        for (const field of fields) found.add(`${method.toUpperCase()} ${path} ${field}`);
        // Signed out (POST /api/auth/logout): the next routes are asked by another user.
        if ((await client.get('/api/auth/me')).status === 401) client = await signedInClient(app);
      }
    }
  }
  expect([...found].sort()).toEqual(
    [...Object.keys(ID_INPUTS), ...Object.keys(ID_BOUNDS), ...Object.keys(ID_SWAPS)].sort(),
  );
});
