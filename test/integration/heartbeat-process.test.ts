// The heartbeat process as `npm start` runs it: it records its start, connects to the (fake) Binance stream, and on
// SIGTERM records its stop and exits 0.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createDb } from '../../core/db/knex';
import { FakeBinance } from '../fakes/binance-server';
import { uniqueName } from '../helpers/app';
import { until } from '../helpers/heartbeat';
import { ManualClock } from '../helpers/manual-clock';

const ROOT = path.resolve(__dirname, '..', '..');

it('writes its start and stop times and its connection state', async () => {
  const db = createDb(process.env.DATABASE_URL!, { min: 0, max: 2 }, { bindModels: false });
  const fake = new FakeBinance(new ManualClock(Date.now()));
  const { wsUrl, restUrl } = await fake.listen();
  const before = (await db('heartbeat_status').max<{ max: number | null }>('id as max').first())?.max ?? 0;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'actors/heartbeat.main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      QUEUE_PREFIX: uniqueName('hp'),
      LOG_LEVEL: 'warn',
      BINANCE_WS_URL: wsUrl,
      BINANCE_REST_URL: restUrl,
      HEARTBEAT_SYMBOLS: 'btcusdt, eth/usdt',
      // Other suites' activations share the database: this test checks the configured pairs alone.
      HEARTBEAT_FOLLOW_ACTIVATIONS: 'false',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    const row = async () => db('heartbeat_status').where('id', '>', before).first();
    await until(async () => Boolean((await row())?.is_connected), 20_000);
    expect(fake.subscriptions).toEqual([['btcusdt@trade', 'ethusdt@trade']]);
    const running = await row();
    expect(running.symbols_monitored).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(running.last_application_start).toBeInstanceOf(Date);
    expect(running.last_application_stop).toBeNull();

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const stopped = await row();
    expect(stopped.is_connected).toBe(false);
    expect(stopped.last_application_stop.getTime()).toBeGreaterThanOrEqual(running.last_application_start.getTime());
  } finally {
    child.kill('SIGKILL');
    await fake.close();
    await db.destroy();
  }
});
