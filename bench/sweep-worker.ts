// One sweep worker process for the sweep bench: the sweep actor as actors/worker.main.ts hosts it (BACKTEST_CONCURRENCY
// runs at once, the backtests' sandbox pool), and nothing else, so the bench times the sweep alone. Tells its parent
// `ready` once it takes jobs; SIGTERM stops it.
import { hostname } from 'node:os';
import { SweepCandles } from '../actors/sweep/sweep-run';
import { sweepActor } from '../actors/sweep/sweep.actor';
import { startActors } from '../actors/host';
import { loadConfig } from '../core/config';
import { createDb } from '../core/db/knex';
import { ExchangeClients } from '../core/exchanges/ccxt-client';
import { RequestPacer } from '../core/exchanges/request-pacer';
import { createLogger } from '../core/logger';
import { EventPublisher } from '../core/realtime/publisher';
import { createRedis } from '../core/redis';
import { backtestLimits } from '../core/sandbox/limits';
import { SandboxPool } from '../core/sandbox/sandbox-pool';
import { openFlowProducer } from '../queues/sweep-jobs';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger('warn', 'sweep-worker');
  const db = createDb(config.DATABASE_URL);
  const redis = createRedis(config.REDIS_URL);
  const prefix = config.QUEUE_PREFIX;
  const sandbox = new SandboxPool({ size: config.SANDBOX_THREADS, logger });
  const flows = openFlowProducer(config.REDIS_URL, prefix);
  const host = await startActors(
    [
      sweepActor(
        {
          db,
          redis,
          prefix,
          clients: new ExchangeClients(),
          pacer: new RequestPacer(redis, prefix),
          publisher: new EventPublisher(redis, prefix),
          logger,
          sandbox,
          limits: (candles) => backtestLimits(config, candles),
          flows,
          candles: new SweepCandles(),
          workerName: `${hostname()}:${process.pid}`,
        },
        config.BACKTEST_CONCURRENCY,
      ),
    ],
    { redisUrl: config.REDIS_URL, prefix, logger },
  );
  process.send?.('ready');
  process.once('SIGTERM', () => {
    void (async () => {
      await host.close();
      await flows.close();
      await sandbox.close();
      await db.destroy();
      redis.disconnect();
      process.exit(0);
    })();
  });
}

void main();
