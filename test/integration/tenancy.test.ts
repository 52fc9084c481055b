// Multi-tenancy: user B never reads or changes user A's rows. The table below lists every user-owned API area;
// the last test fails when an area with `/:id` routes is added to the app without being listed here.
import { apiAreas } from '../../http/app';
import { startTestApp, uniqueName, type TestApp } from '../helpers/app';
import { startBrokerWorkers } from '../helpers/brokers';
import { expectTenantIsolation, type OwnedResource } from '../helpers/tenancy';

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
  },
  {
    basePath: '/api/brokers',
    create: async (client) => {
      const res = await client.send('post', '/api/brokers', { name: uniqueName('b'), exchange: 'paper' });
      expect(res.status).toBe(201);
      return res.body.broker.id;
    },
    updateBody: { name: 'taken over' },
  },
  {
    basePath: '/api/backtests',
    create: async (client) => {
      const strategies = (await client.get('/api/strategies').expect(200)).body as { id: number }[];
      const res = await client.send('post', '/api/backtests', {
        strategyId: strategies[0].id,
        source: 'tenancy-import',
        symbol: 'BTC/USDT',
        timeframe: '1h',
        from: '2024-01-01',
        to: '2024-01-02',
        initialAmount: '1000',
      });
      expect(res.status).toBe(201);
      return res.body.id;
    },
    // Backtests have no PUT: B's PUT must still answer 404 like every route on A's row.
    updateBody: {},
  },
];

/**
 * User areas whose `/:id` routes are not plain CRUD, with the test that proves their isolation instead (user B's
 * requests naming user A's broker or order answer 404 and change nothing).
 */
const PROVEN_ELSEWHERE: Record<string, string> = {
  '/api/trading': 'test/integration/trading-binance.test.ts',
};

let app: TestApp;
let brokers: { close(): Promise<void> };
beforeAll(async () => {
  app = await startTestApp();
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
