// Latency from an event published on Redis by any process to its delivery to a signed-in Socket.IO client: the
// path every live update (heartbeat signals, order fills, backtest progress) takes to the browser.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connect } from 'socket.io-client';
import { loadConfig } from '../core/config';
import { createDb, migrateLatest } from '../core/db/knex';
import { createLogger } from '../core/logger';
import { EventPublisher } from '../core/realtime/publisher';
import { createRedis } from '../core/redis';
import { createApp } from '../http/app';
import { attachGateway } from '../http/realtime/gateway';
import { percentile, report, save } from './harness';

const EVENTS = 2000;

async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, QUEUE_PREFIX: `bench${process.pid}` });
  const logger = createLogger('silent', 'bench');
  const db = createDb(config.DATABASE_URL);
  await migrateLatest(db);
  const redis = createRedis(config.REDIS_URL);
  const web = createApp({ config, db, redis, logger, publisher: new EventPublisher(redis, config.QUEUE_PREFIX) });
  const server = createServer(web.app);
  const subscriber = redis.duplicate();
  const io = await attachGateway(server, { session: web.session, subscriber, prefix: config.QUEUE_PREFIX, logger });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const csrf = await fetch(`${url}/api/auth/csrf`);
  const anonymous = csrf.headers.getSetCookie()[0].split(';')[0];
  const { token } = (await csrf.json()) as { token: string };
  const registered = await fetch(`${url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: anonymous, 'x-csrf-token': token },
    body: JSON.stringify({ username: `bench${process.pid}`, password: 'bench-password' }),
  });
  const cookie = registered.headers.getSetCookie()[0].split(';')[0];
  const userId = ((await registered.json()) as { user: { id: number } }).user.id;

  const socket = connect(url, { transports: ['websocket'], extraHeaders: { cookie } });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const otherProcess = createRedis(config.REDIS_URL);
  const publisher = new EventPublisher(otherProcess, config.QUEUE_PREFIX);
  const samples: number[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const started = performance.now();
    const received = new Promise((resolve) => socket.once('status:changed', resolve));
    await publisher.publish('status:changed', { reason: 'bench' }, { userId });
    await received;
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const results = { realtime_event_p50_ms: percentile(samples, 50), realtime_event_p99_ms: percentile(samples, 99) };
  report('realtime_event_p50_ms', results.realtime_event_p50_ms, 'ms', `${EVENTS} events Redis → Socket.IO client`);
  report('realtime_event_p99_ms', results.realtime_event_p99_ms, 'ms', `${EVENTS} events Redis → Socket.IO client`);
  save(results);

  socket.disconnect();
  await otherProcess.quit();
  await io.close();
  await subscriber.quit();
  await web.close();
  await redis.quit();
  await db.destroy();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
