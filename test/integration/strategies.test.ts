// The strategies API for their owner: create, list, read, update, delete, with French field errors.
import { signedInClient, startTestApp, type Client, type TestApp } from '../helpers/app';

const CODE = 'class S extends Strategy { shouldLong() { return false; } }';
let app: TestApp;
let client: Client;
beforeAll(async () => {
  app = await startTestApp();
  client = await signedInClient(app);
});
afterAll(() => app.close());

it('creates, lists, updates and deletes a strategy', async () => {
  const created = await client.send('post', '/api/strategies', { name: 'EMA', timeframe: '15m', code: CODE });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ name: 'EMA', timeframe: '15m', description: '', code: CODE });
  const id = created.body.id;

  expect((await client.get('/api/strategies')).body.map((s: { id: number }) => s.id)).toContain(id);

  const updated = await client.send('put', `/api/strategies/${id}`, { name: 'EMA 2', timeframe: '1h', code: CODE });
  expect(updated.status).toBe(200);
  expect(updated.body).toMatchObject({ id, name: 'EMA 2', timeframe: '1h' });

  expect((await client.send('delete', `/api/strategies/${id}`)).status).toBe(204);
  expect((await client.get(`/api/strategies/${id}`)).status).toBe(404);
});

it('names the bad field and stores nothing', async () => {
  const before = await app.db('strategies').where({ user_id: client.user!.id }).count('* as n').first();
  const res = await client.send('post', '/api/strategies', { name: 'Bad', timeframe: '7m', code: CODE });
  expect(res.status).toBe(400);
  expect(res.body.error.field).toBe('timeframe');
  expect(res.body.error.message).toMatch(/^Unité de temps : /);
  const after = await app.db('strategies').where({ user_id: client.user!.id }).count('* as n').first();
  expect(after).toEqual(before);
});

it('refuses two strategies with the same name for one user', async () => {
  await client.send('post', '/api/strategies', { name: 'Twin', timeframe: '5m', code: CODE });
  const res = await client.send('post', '/api/strategies', { name: 'Twin', timeframe: '5m', code: CODE });
  expect(res.status).toBe(409);
  expect(res.body.error).toMatchObject({ code: 'STRATEGY_NAME_TAKEN', field: 'name' });
});

it('answers 404 for ids that are not numbers', async () => {
  expect((await client.get('/api/strategies/abc')).status).toBe(404);
});

it('deleting a user removes their strategies (cascade)', async () => {
  const doomed = await signedInClient(app);
  await doomed.send('post', '/api/strategies', { name: 'Gone', timeframe: '5m', code: CODE });
  await app.db('users').where({ id: doomed.user!.id }).del();
  expect(await app.db('strategies').where({ user_id: doomed.user!.id }).first()).toBeUndefined();
});
