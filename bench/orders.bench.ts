// Order round trip: HTTP POST /api/trading/orders → web → the broker actor in a worker process → ccxt's real
// `binance` class → the fake Binance (signatures checked, filters, fills) → the trade recorded → the HTTP answer.
// Several brokers in parallel (BENCH_BROKERS, default 4; BENCH_ORDERS, default 1200), each paced at its exchange's
// rate limit and started a fraction of that pace apart, so that the figure is latency, not queueing.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Queue } from 'bullmq';
import { brokerQueue } from '../queues/broker-jobs';
import type { Config } from '../core/config';
import { queueOptions } from '../queues/connection';
import { fundedFakeBinance, KEY, SECRET } from '../test/helpers/trading';
import { percentile, report, save } from './harness';
import { startBenchWeb } from './web';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 1200);
const BROKERS = Number(process.env.BENCH_BROKERS ?? 4);
/** ccxt's rateLimit for Binance is 50 ms, which the RequestPacer stretches to 55; one order every 65 ms stays clear. */
const PACE_MS = 65;

/** Where the time goes, from BullMQ's own stamps (ms): waiting in the queue, then in the actor. Printed only. */
async function printJobTimes(config: Config, brokers: number[]): Promise<void> {
  const waits: number[] = [];
  const runs: number[] = [];
  for (const id of brokers) {
    const queue = new Queue(brokerQueue(id), queueOptions(config.REDIS_URL, config.QUEUE_PREFIX));
    for (const job of await queue.getJobs(['completed'], 0, -1)) {
      if (job.name !== 'createOrder' || !job.processedOn || !job.finishedOn) continue;
      waits.push(job.processedOn - job.timestamp);
      runs.push(job.finishedOn - job.processedOn);
    }
    await queue.close();
  }
  waits.sort((a, b) => a - b);
  runs.sort((a, b) => a - b);
  const figures = (xs: number[]) => `p50 ${percentile(xs, 50)} ms, p99 ${percentile(xs, 99)} ms`;
  process.stdout.write(`    of which: in the queue ${figures(waits)}; in the broker actor ${figures(runs)}\n`);
}

async function main(): Promise<void> {
  const fake = fundedFakeBinance([
    { asset: 'BTC', free: '100.00000000' },
    { asset: 'USDT', free: '10000000.00000000' },
  ]);
  fake.setPrice('BTCUSDT', '26000.00000000');
  const fakeUrl = await fake.listen();
  const env = { EXCHANGE_API_OVERRIDES: JSON.stringify({ binance: fakeUrl }) };
  const web = await startBenchWeb('orders', env);
  const worker = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', 'actors', 'worker.main.ts')], {
    env: { ...process.env, ...env, QUEUE_PREFIX: web.config.QUEUE_PREFIX, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  try {
    const brokers: number[] = [];
    for (let i = 0; i < BROKERS; i++) {
      const res = await web.call('POST', '/api/brokers', {
        name: `bench ${i}`,
        exchange: 'binance',
        credentials: { apiKey: KEY, secret: SECRET },
      });
      if (res.status !== 201) throw new Error(`broker refused: ${JSON.stringify(res.body)}`);
      brokers.push((res.body as { broker: { id: number } }).broker.id);
    }
    const samples: number[] = [];
    const perBroker = Math.ceil(ORDERS / BROKERS);
    await Promise.all(
      brokers.map(async (brokerId, b) => {
        await new Promise((resolve) => setTimeout(resolve, (b * PACE_MS) / BROKERS));
        for (let i = 0; i < perBroker; i++) {
          const started = performance.now();
          const res = await web.call('POST', '/api/trading/orders', {
            brokerId,
            symbol: 'BTC/USDT',
            side: i % 2 ? 'sell' : 'buy',
            type: 'market',
            amount: '0.001',
            requestId: `bench-${process.pid}-${b}-${i}`,
          });
          const elapsed = performance.now() - started;
          if (res.status !== 201) throw new Error(`order refused: ${JSON.stringify(res.body)}`);
          // The first order of each broker also starts its worker and ccxt instance: not a round trip.
          if (i > 0) samples.push(elapsed);
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, PACE_MS - elapsed)));
        }
      }),
    );
    samples.sort((a, b) => a - b);
    const placed = fake.orders.length;
    const work = `${samples.length} market orders, ${BROKERS} brokers in parallel, ${placed} at the fake exchange`;
    const results = {
      order_roundtrip_p50_ms: percentile(samples, 50),
      order_roundtrip_p99_ms: percentile(samples, 99),
    };
    report('order_roundtrip_p50_ms', results.order_roundtrip_p50_ms, 'ms', work);
    report('order_roundtrip_p99_ms', results.order_roundtrip_p99_ms, 'ms', work);
    await printJobTimes(web.config, brokers);
    save(results);
  } finally {
    worker.kill('SIGTERM');
    await new Promise((resolve) => worker.once('exit', resolve));
    await web.close();
    await fake.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
