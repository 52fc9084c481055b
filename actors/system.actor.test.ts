// The watchdog tells every browser when the heartbeat goes up or down, and stays quiet otherwise.
import { announceLiveness } from '../core/liveness';
import { createLogger } from '../core/logger';
import { startTestApp, uniqueName, type TestApp } from '../test/helpers/app';
import { watchHeartbeat } from './system.actor';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

it('publishes status:changed only when the heartbeat state flips', async () => {
  const deps = { db: app.db, redis: app.redis, prefix: app.config.QUEUE_PREFIX, logger: createLogger('silent', 't') };
  const subscriber = app.redis.duplicate();
  const messages: string[] = [];
  await subscriber.subscribe(`${deps.prefix}:events`);
  subscriber.on('message', (_channel, message) => messages.push(message));

  expect(await watchHeartbeat(deps)).toEqual({ active: false, changed: false });
  expect(await watchHeartbeat(deps)).toEqual({ active: false, changed: false });

  const stop = announceLiveness(app.redis, deps.prefix, 'heartbeat');
  const [row] = await app
    .db('heartbeat_status')
    .insert({
      is_connected: true,
      last_application_start: new Date(),
      symbols_monitored: JSON.stringify([uniqueName()]),
    })
    .returning('id');
  expect(await watchHeartbeat(deps)).toEqual({ active: true, changed: true });
  expect(await watchHeartbeat(deps)).toEqual({ active: true, changed: false });

  await stop();
  await app.db('heartbeat_status').where({ id: row.id }).update({ is_connected: false });
  expect(await watchHeartbeat(deps)).toEqual({ active: false, changed: true });

  await new Promise((resolve) => setTimeout(resolve, 100));
  await subscriber.quit();
  expect(messages.map((m) => JSON.parse(m))).toEqual([
    { event: 'status:changed', payload: { reason: 'heartbeat' }, target: 'all' },
    { event: 'status:changed', payload: { reason: 'heartbeat' }, target: 'all' },
  ]);
});
