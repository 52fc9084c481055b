// Bull Board is for admins only; /api/health and /api/status report what the status bar and operators need.
import { announceLiveness } from '../../core/liveness';
import { Client, signedInClient, startTestApp, uniqueName, type TestApp } from '../helpers/app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

describe('Bull Board at /admin/queues', () => {
  it('answers 401 to anonymous visitors', async () => {
    const res = await new Client(app).get('/admin/queues');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('AUTH_REQUIRED');
  });

  it('answers 403 to a signed-in user who is not admin', async () => {
    const client = await signedInClient(app);
    const res = await client.get('/admin/queues');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('ADMIN_REQUIRED');
    expect((await client.get('/admin/queues/api/queues')).status).toBe(403);
  });

  it('shows the board and its queues to an admin', async () => {
    const client = await signedInClient(app, uniqueName('admin'));
    await app.db('users').where({ id: client.user!.id }).update({ is_admin: true });
    const page = await client.get('/admin/queues');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<title>Bull Dashboard<\/title>/i);
    const queues = await client.get('/admin/queues/api/queues');
    expect(queues.status).toBe(200);
    expect(queues.body.queues.map((q: { name: string }) => q.name)).toEqual(expect.arrayContaining(['system', 'tick']));
  });

  it("takes the board's own buttons from its page, and refuses them from anywhere else", async () => {
    const admin = await signedInClient(app, uniqueName('admin'));
    await app.db('users').where({ id: admin.user!.id }).update({ is_admin: true });
    const retry = '/admin/queues/api/queues/system/retry/failed';
    // What the board's page sends: no token of ours, the browser's same-origin headers.
    const fromBoard = await admin.agent.put(retry).set('Sec-Fetch-Site', 'same-origin');
    expect(fromBoard.status).toBe(200);
    // Or an Origin naming the host the request was sent to.
    const viaOrigin = await admin.agent.put(retry).set('Host', '127.0.0.1:3000').set('Origin', 'http://127.0.0.1:3000');
    expect(viaOrigin.status).toBe(200);
    // A page elsewhere riding the admin's cookie.
    const forged = await admin.agent
      .put(retry)
      .set('Sec-Fetch-Site', 'cross-site')
      .set('Origin', 'https://evil.example');
    expect([forged.status, forged.body.error?.code]).toEqual([403, 'CSRF_INVALID']);
    expect((await admin.agent.put(retry).set('Origin', 'https://evil.example')).status).toBe(403);
    expect((await admin.agent.put(retry)).status).toBe(403);
    // The rest of the API still wants the token, whatever the headers say.
    const api = await admin.agent.post('/api/strategies').set('Sec-Fetch-Site', 'same-origin').send({});
    expect(api.body.error?.code).toBe('CSRF_INVALID');
  });
});

describe('/api/health', () => {
  it('reports database and Redis up, and counts live workers', async () => {
    const before = await new Client(app).get('/api/health');
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ database: { ok: true }, redis: { ok: true }, workers: { alive: 0 } });
    expect(before.body.status).toBe('degraded');

    const stop = announceLiveness(app.redis, app.config.QUEUE_PREFIX, 'worker');
    const stopHeartbeat = announceLiveness(app.redis, app.config.QUEUE_PREFIX, 'heartbeat');
    const during = await new Client(app).get('/api/health');
    expect(during.body.status).toBe('ok');
    expect(during.body.workers.alive).toBe(1);
    // Which hosts and processes, only to an admin: registration is open to anyone.
    expect(during.body.workers).not.toHaveProperty('processes');
    const user = await signedInClient(app);
    expect((await user.get('/api/health')).body.workers).not.toHaveProperty('processes');
    const operator = await signedInClient(app, uniqueName('admin'));
    await app.db('users').where({ id: operator.user!.id }).update({ is_admin: true });
    expect((await operator.get('/api/health')).body.workers.processes[0].pid).toBe(process.pid);
    expect(during.body.heartbeat.alive).toBe(true);
    expect(Date.parse(during.body.heartbeat.lastSeen)).toBeGreaterThan(Date.now() - 10_000);

    await stop();
    await stopHeartbeat();
    expect((await new Client(app).get('/api/health')).body.workers.alive).toBe(0);
  });
});

describe('/api/status', () => {
  it("shows the signed-in user's live strategies and testnet brokers, not other users'", async () => {
    const alice = await signedInClient(app);
    const bob = await signedInClient(app);
    const [broker] = await app
      .db('brokers')
      .insert({ user_id: alice.user!.id, name: 'testnet', exchange: 'binance', is_testnet: true })
      .returning('id');
    const [strategy] = await app
      .db('strategies')
      .insert({ user_id: alice.user!.id, name: 'S', timeframe: '1m', code: 'x' })
      .returning('id');
    const day = 24 * 3600 * 1000;
    await app.db('active_strategies').insert([
      {
        user_id: alice.user!.id,
        strategy_id: strategy.id,
        broker_id: broker.id,
        symbol: 'BTC/USDT',
        timeframe: '1m',
        start_date: new Date(Date.now() - day),
        end_date: new Date(Date.now() + day),
        state: 'active',
      },
      {
        user_id: alice.user!.id,
        strategy_id: strategy.id,
        broker_id: broker.id,
        symbol: 'ETH/USDT',
        timeframe: '1m',
        start_date: new Date(Date.now() - 2 * day),
        end_date: new Date(Date.now() - day),
        state: 'active',
      },
    ]);
    const mine = (await alice.get('/api/status')).body;
    expect(mine).toMatchObject({
      liveStrategies: { running: 1, suspendedByErrors: 0 },
      testnet: true,
      heartbeat: { active: false },
    });
    const theirs = (await bob.get('/api/status')).body;
    expect(theirs).toMatchObject({ liveStrategies: { running: 0, suspendedByErrors: 0 }, testnet: false });
  });

  it('shows the heartbeat incoherent while an incoherence alert is open', async () => {
    const client = await signedInClient(app);
    const [alert] = await app
      .db('alerts')
      .insert({ kind: 'heartbeat_incoherent', severity: 'critical', message: 'bougies manquantes' })
      .returning('id');
    expect((await client.get('/api/status')).body.heartbeat.coherent).toBe(false);
    await app.db('alerts').where({ id: alert.id }).update({ resolved_at: new Date() });
    expect((await client.get('/api/status')).body.heartbeat.coherent).toBe(true);
  });
});
