// Latency from a candle boundary to the close signal in a signed-in Socket.IO client: the close timer fires →
// candles and signals stored in PostgreSQL → published on Redis → relayed by the web gateway → received. The clock
// is driven by hand, so the figure excludes the grace period (1 s by default) that the live heartbeat waits first.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connect } from 'socket.io-client';
import { HeartbeatActor } from '../actors/heartbeat/heartbeat.actor';
import { loadConfig } from '../core/config';
import { createDb, migrateLatest } from '../core/db/knex';
import { createLogger } from '../core/logger';
import type { HeartbeatSignal } from '../core/realtime/events';
import { EventPublisher } from '../core/realtime/publisher';
import { createRedis } from '../core/redis';
import { createApp } from '../http/app';
import { attachGateway } from '../http/realtime/gateway';
import { openQueue } from '../queues/connection';
import { FakeBinance } from '../test/fakes/binance-server';
import { ManualClock } from '../test/helpers/manual-clock';
import { percentile, report, save } from './harness';

const CLOSES = 300;
const MINUTE = 60_000;
const GRACE_MS = 1_000;

async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, QUEUE_PREFIX: `benchsig${process.pid}` });
  const logger = createLogger('silent', 'bench');
  const db = createDb(config.DATABASE_URL);
  await migrateLatest(db);
  const redis = createRedis(config.REDIS_URL);
  const publisher = new EventPublisher(redis, config.QUEUE_PREFIX);
  const web = createApp({ config, db, redis, logger, publisher });
  const server = createServer(web.app);
  const subscriber = redis.duplicate();
  const io = await attachGateway(server, { session: web.session, subscriber, prefix: config.QUEUE_PREFIX, logger });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const csrf = await fetch(`${url}/api/auth/csrf`);
  const anonymous = csrf.headers.getSetCookie()[0]!.split(';')[0]!;
  const { token } = (await csrf.json()) as { token: string };
  const registered = await fetch(`${url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: anonymous, 'x-csrf-token': token },
    body: JSON.stringify({ username: `benchsig${process.pid}`, password: 'bench-password' }),
  });
  const cookie = registered.headers.getSetCookie()[0]!.split(';')[0]!;
  const socket = connect(url, { transports: ['websocket'], extraHeaders: { cookie } });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));

  // A symbol of its own and a start far from other runs, so stored candles never collide.
  const symbol = `BENCH${process.pid % 100_000}`;
  const start = Math.floor(Date.now() / MINUTE) * MINUTE;
  const clock = new ManualClock(start + 1_000);
  const fake = new FakeBinance(clock);
  const urls = await fake.listen();
  const tickQueue = openQueue('tick', config.REDIS_URL, config.QUEUE_PREFIX);
  const actor = new HeartbeatActor({
    db,
    redis: createRedis(config.REDIS_URL),
    publisher,
    tickQueue,
    logger,
    clock,
    settings: {
      ...urls,
      symbols: [symbol],
      stream: 'trade',
      graceMs: GRACE_MS,
      replayMaxMs: 120_000,
      backfillMaxMs: 3_600_000,
      idleTimeoutMs: 60_000,
      lockTtlMs: 10_000,
      prefix: config.QUEUE_PREFIX,
    },
  });
  await actor.start();
  while (actor.stats.connections === 0) await new Promise((r) => setTimeout(r, 5));
  await clock.advanceTo(start + MINUTE + GRACE_MS, () => actor.idle());
  await actor.idle();

  const samples: number[] = [];
  for (let i = 1; i <= CLOSES; i++) {
    const minute = start + i * MINUTE;
    const trade = {
      e: 'aggTrade' as const,
      E: minute + 10,
      s: symbol,
      a: i,
      p: `${100 + (i % 7)}.5`,
      q: '0.01',
      f: i,
      l: i,
      T: minute + 10,
      m: true,
      M: false,
    };
    fake.sendTrades([trade]);
    while (actor.stats.trades < i) await new Promise((r) => setTimeout(r, 1));
    const received = new Promise<void>((resolve) => {
      const onSignals = ({ signals }: { signals: HeartbeatSignal[] }) => {
        if (!signals.some((s) => s.timeframe === '1m' && s.candleTime === minute)) return;
        socket.off('heartbeat:signals', onSignals);
        resolve();
      };
      socket.on('heartbeat:signals', onSignals);
    });
    const boundary = performance.now();
    await clock.advanceTo(minute + MINUTE + GRACE_MS);
    await received;
    samples.push(performance.now() - boundary);
    await actor.idle();
  }
  samples.sort((a, b) => a - b);
  const results = {
    heartbeat_signal_p50_ms: percentile(samples, 50),
    heartbeat_signal_p99_ms: percentile(samples, 99),
  };
  const work = `${CLOSES} one-minute closes (longer timeframes at their boundaries), boundary + ${GRACE_MS} ms grace → Socket.IO client; grace excluded`;
  report('heartbeat_signal_p50_ms', results.heartbeat_signal_p50_ms, 'ms', work);
  report('heartbeat_signal_p99_ms', results.heartbeat_signal_p99_ms, 'ms', work);
  save(results);

  await actor.stop();
  await db('candles').where({ symbol }).delete();
  await db('candles_heartbeat').where({ symbol }).delete();
  await tickQueue.obliterate({ force: true });
  await tickQueue.close();
  await fake.close();
  socket.disconnect();
  await io.close();
  await subscriber.quit();
  await web.close();
  await redis.quit();
  await db.destroy();
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
