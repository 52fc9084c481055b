// /api/health is open to anyone: with a dependency down it says which, never the driver's message, which names hosts,
// ports and users. An app of its own (its models bound to the unreachable database), so a suite of its own.
import { Client, startTestApp, type TestApp } from '../helpers/app';

let down: TestApp;
beforeAll(async () => {
  down = await startTestApp({ DATABASE_URL: 'postgres://nobody:hunter2@127.0.0.1:1/gone' });
});
afterAll(() => down.close());

it("says the database is down without the driver's message", async () => {
  const res = await new Client(down).get('/api/health');
  expect(res.status).toBe(503);
  expect(res.body).toMatchObject({ status: 'down', database: { ok: false }, redis: { ok: true } });
  expect(JSON.stringify(res.body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|nobody|hunter2/);
});
