// Brokers: the exchange catalogue, a paper broker for every new user, accounts on a real ccxt `binance` pointed at a
// local fake Binance that checks keys and HMAC signatures, credentials encrypted and never returned, refusals
// explained in French with nothing kept, one user's broker out of another's reach, and deleted brokers that left
// their Redis connections behind.
import { signedInClient, startTestApp, type TestApp } from '../helpers/app';
import { startBrokerWorkers } from '../helpers/brokers';
import type { FakeBinanceRest } from '../fakes/binance-rest';
import { fundedFakeBinance, KEY, SECRET } from '../helpers/trading';
import { until } from '../helpers/wait';

describe('brokers', () => {
  let fake: FakeBinanceRest;
  let app: TestApp;
  let workers: { close(): Promise<void> };

  beforeAll(async () => {
    fake = fundedFakeBinance([
      { asset: 'BTC', free: '0.51000000', locked: '0.01000000' },
      { asset: 'USDT', free: '1250.75000000' },
      { asset: 'ETH', free: '0.00000000' },
    ]);
    const url = await fake.listen();
    app = await startTestApp({
      EXCHANGE_API_OVERRIDES: JSON.stringify({ binance: url }),
      PAPER_STARTING_BALANCE_USDT: '10000',
    });
    workers = await startBrokerWorkers(app);
  });
  afterAll(async () => {
    await workers.close();
    await app.close();
    await fake.close();
  });

  it('lists every ccxt exchange with its credential fields and testnet support, plus paper', async () => {
    const client = await signedInClient(app);
    const list = (await client.get('/api/exchanges').expect(200)).body as {
      id: string;
      requiredCredentials: string[];
      sandbox: boolean;
    }[];
    expect(list.length).toBeGreaterThan(90);
    expect(list.find((e) => e.id === 'paper')).toMatchObject({ requiredCredentials: [], sandbox: false });
    expect(list.find((e) => e.id === 'binance')).toMatchObject({
      name: 'Binance',
      requiredCredentials: ['apiKey', 'secret'],
      sandbox: true,
    });
    expect(list.find((e) => e.id === 'okx')?.requiredCredentials).toEqual(['apiKey', 'secret', 'password']);
  });

  it('gives every new user a default paper broker with 10,000 USDT, tested through the broker actor', async () => {
    const client = await signedInClient(app);
    const [paper] = (await client.get('/api/brokers').expect(200)).body;
    expect(paper).toMatchObject({ exchange: 'paper', isDefault: true, isActive: true, credentialsHint: null });
    const tested = await client.send('post', `/api/brokers/${paper.id}/test`);
    expect(tested.status).toBe(200);
    expect(tested.body.balance).toEqual([{ asset: 'USDT', free: '10000', used: '0', total: '10000' }]);
  });

  it('keeps a Binance account the exchange accepts, with its balance, and never returns the keys', async () => {
    const client = await signedInClient(app);
    const res = await client.send('post', '/api/brokers', {
      name: 'Binance principal',
      exchange: 'binance',
      credentials: { apiKey: KEY, secret: SECRET },
      isDefault: true,
    });
    expect(res.status).toBe(201);
    expect(res.body.balance).toEqual([
      { asset: 'BTC', free: '0.51', used: '0.01', total: '0.52' },
      { asset: 'USDT', free: '1250.75', used: '0', total: '1250.75' },
    ]);
    expect(res.body.broker).toMatchObject({ exchange: 'binance', credentialsHint: 'vmPU…Eh8A', isDefault: true });
    expect(res.body.broker.validatedAt).not.toBeNull();
    const everything = JSON.stringify([res.body, (await client.get('/api/brokers')).body]);
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(KEY);
    const row = await app.db('brokers').where({ id: res.body.broker.id }).first();
    expect(row.credentials_enc).not.toContain(KEY.slice(0, 12));
    // One default per user: the paper broker gave way.
    const defaults = (await client.get('/api/brokers')).body.filter((b: { isDefault: boolean }) => b.isDefault);
    expect(defaults.map((b: { id: number }) => b.id)).toEqual([res.body.broker.id]);
    expect(fake.requests.some((r) => r.path === '/api/v3/account')).toBe(true);
  });

  it('explains a refused key in French and keeps nothing', async () => {
    const client = await signedInClient(app);
    const res = await client.send('post', '/api/brokers', {
      name: 'Mauvaise clé',
      exchange: 'binance',
      credentials: { apiKey: 'not-a-key-0000000000', secret: SECRET },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'EXCHANGE_AUTH_FAILED',
      message: 'Erreur de connexion à Binance : Invalid API-key, IP, or permissions for action.',
    });
    expect(await app.db('brokers').where({ user_id: client.user!.id, name: 'Mauvaise clé' })).toEqual([]);
  });

  it('restores the previous keys when new ones are refused', async () => {
    const client = await signedInClient(app);
    const created = await client.send('post', '/api/brokers', {
      name: 'B',
      exchange: 'binance',
      credentials: { apiKey: KEY, secret: SECRET },
    });
    const id = created.body.broker.id;
    const refused = await client.send('put', `/api/brokers/${id}`, {
      credentials: { apiKey: KEY, secret: 'wrong-secret-value' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe('Erreur de connexion à Binance : Signature for this request is not valid.');
    expect((await client.send('post', `/api/brokers/${id}/test`)).status).toBe(200);
  });

  it('changes the secret alone, keeping the stored API key', async () => {
    const client = await signedInClient(app);
    const ok = await client.send('post', '/api/brokers', {
      name: 'Secret seul',
      exchange: 'binance',
      credentials: { apiKey: KEY, secret: SECRET },
    });
    const id = ok.body.broker.id;
    const wrong = await client.send('put', `/api/brokers/${id}`, {
      credentials: { apiKey: '', secret: 'still-wrong' },
    });
    // The key kept, the new secret tried: the exchange refuses the signature, not a missing key.
    expect(wrong.body.error.message).toBe('Erreur de connexion à Binance : Signature for this request is not valid.');
    const right = await client.send('put', `/api/brokers/${id}`, { credentials: { apiKey: '', secret: SECRET } });
    expect(right.status).toBe(200);
    expect(right.body.broker.credentialsHint).toBe('vmPU…Eh8A');
    expect(JSON.stringify(right.body)).not.toContain(SECRET);
    // Nothing typed at all changes nothing and tests nothing.
    const rename = await client.send('put', `/api/brokers/${id}`, {
      name: 'Renommé',
      credentials: { apiKey: '', secret: '' },
    });
    expect([rename.status, rename.body.broker.name, rename.body.balance]).toEqual([200, 'Renommé', undefined]);
  });

  it('names the missing or useless credential field and the impossible testnet', async () => {
    const client = await signedInClient(app);
    const missing = await client.send('post', '/api/brokers', {
      name: 'X',
      exchange: 'binance',
      credentials: { apiKey: KEY },
    });
    expect(missing.body.error).toMatchObject({
      field: 'credentials.secret',
      message: 'Secret : obligatoire pour Binance',
    });
    const extra = await client.send('post', '/api/brokers', {
      name: 'X',
      exchange: 'binance',
      credentials: { apiKey: KEY, secret: SECRET, uid: '1' },
    });
    expect(extra.body.error).toMatchObject({ field: 'credentials.uid', message: 'UID : inutile pour Binance' });
    const list = (await client.get('/api/exchanges')).body as {
      id: string;
      sandbox: boolean;
      requiredCredentials: string[];
    }[];
    const noSandbox = list.find((e) => !e.sandbox && e.id !== 'paper')!;
    const credentials = Object.fromEntries(noSandbox.requiredCredentials.map((f) => [f, 'x']));
    const testnet = await client.send('post', '/api/brokers', {
      name: 'X',
      exchange: noSandbox.id,
      credentials,
      isTestnet: true,
    });
    expect(testnet.body.error).toMatchObject({ field: 'isTestnet' });
    const unknown = await client.send('post', '/api/brokers', { name: 'X', exchange: 'nope' });
    expect(unknown.body.error).toMatchObject({ field: 'exchange', message: 'Exchange : inconnu (nope)' });
    expect((await client.get('/api/brokers')).body).toHaveLength(1);
  });

  it("does not let another user test someone's broker", async () => {
    const alice = await signedInClient(app);
    const bob = await signedInClient(app);
    const [paper] = (await alice.get('/api/brokers')).body;
    expect((await bob.send('post', `/api/brokers/${paper.id}/test`)).status).toBe(404);
  });

  it('closes the worker and the queue of a deleted broker: create-delete cycles leave the Redis clients bounded', async () => {
    const client = await signedInClient(app);
    // Only this suite's connections: other suites may be running on other Redis databases.
    const db = Number(new URL(app.config.REDIS_URL).pathname.slice(1) || 0);
    const clients = async () =>
      ((await app.redis.call('client', 'list')) as string).split('\n').filter((line) => line.includes(` db=${db} `))
        .length;
    // A first cycle opens what stays open (the reply channel).
    const first = await client.send('post', '/api/brokers', { name: 'warm-up', exchange: 'paper' });
    expect((await client.send('delete', `/api/brokers/${first.body.broker.id}`)).status).toBe(204);
    const before = await clients();
    for (let i = 0; i < 12; i++) {
      const created = await client.send('post', '/api/brokers', { name: `cycle-${i}`, exchange: 'paper' });
      expect(created.status).toBe(201);
      expect((await client.send('delete', `/api/brokers/${created.body.broker.id}`)).status).toBe(204);
    }
    // Each cycle left about three clients behind (a worker's and a queue's connections).
    await until(async () => (await clients()) <= before + 2, 5000);
  });

  it('refuses a broker past 20 per user, in French, naming the limit', async () => {
    const client = await signedInClient(app);
    // The default paper broker is the first.
    for (let i = 1; i < 20; i++) {
      expect((await client.send('post', '/api/brokers', { name: `paper-${i}`, exchange: 'paper' })).status).toBe(201);
    }
    const refused = await client.send('post', '/api/brokers', { name: 'one-too-many', exchange: 'paper' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'BROKER_LIMIT_REACHED' });
    expect(refused.body.error.message).toMatch(/20 au plus/);
    const [first] = (await client.get('/api/brokers')).body as { id: number }[];
    expect((await client.send('delete', `/api/brokers/${first.id}`)).status).toBe(204);
    expect((await client.send('post', '/api/brokers', { name: 'room-again', exchange: 'paper' })).status).toBe(201);
  });
});
