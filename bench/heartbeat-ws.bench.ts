// End-to-end throughput of the heartbeat: trade messages from a local websocket server in another process → the
// `ws` client → parse → aggregate, with the actor as it runs (leader lock, raw-stream relay, database and Redis).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../core/config';
import { createDb, migrateLatest } from '../core/db/knex';
import { EventPublisher } from '../core/realtime/publisher';
import { createRedis } from '../core/redis';
import { ManualClock } from '../test/helpers/manual-clock';
import { report, save } from './harness';
import { MINUTE, startBenchHeartbeat } from './heartbeat';

const MESSAGES = 1_000_000;

async function waitFor(probe: () => boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, QUEUE_PREFIX: `benchws${process.pid}` });
  const db = createDb(config.DATABASE_URL);
  await migrateLatest(db);
  const redis = createRedis(config.REDIS_URL);
  const start = Math.floor(Date.now() / MINUTE) * MINUTE;
  const clock = new ManualClock(start + 1_000);
  const feed = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, 'feed-server.ts'), String(MESSAGES), String(start + MINUTE)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve) => feed.stdout!.once('data', (d: Buffer) => resolve(Number(d))));
  const publisher = new EventPublisher(redis, config.QUEUE_PREFIX);
  const urls = { wsUrl: `ws://127.0.0.1:${port}`, restUrl: `http://127.0.0.1:${port}` };
  // The feed server answers an empty history: the priming passes and every message goes to the aggregator.
  const { actor, close } = await startBenchHeartbeat({ config, db, publisher, urls, symbol: 'XRP/ETH', clock, start });

  feed.stdin!.write('go\n');
  await waitFor(() => actor.stats.messages > 0);
  const began = performance.now();
  await waitFor(() => actor.stats.messages >= MESSAGES);
  const seconds = (performance.now() - began) / 1000;
  const rate = MESSAGES / seconds;
  if (actor.stats.trades !== MESSAGES) throw new Error(`${actor.stats.trades} trades of ${MESSAGES}`);
  report(
    'heartbeat_ws_msgs_per_s',
    rate,
    'msg/s',
    `${MESSAGES.toLocaleString('en')} trade messages, local ws server in another process`,
  );
  save({ heartbeat_ws_msgs_per_s: rate });

  feed.kill();
  await close();
  await redis.quit();
  await db.destroy();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
