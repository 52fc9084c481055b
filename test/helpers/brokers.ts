import { backtestActor } from '../../actors/backtest/backtest.actor';
import { BrokerOperations } from '../../actors/broker/broker.operations';
import { BrokerWorkers } from '../../actors/broker/broker-workers';
import { startActors } from '../../actors/host';
import { marketsActor } from '../../actors/markets/markets.actor';
import { SweepCandles } from '../../actors/sweep/sweep-run';
import { sweepActor } from '../../actors/sweep/sweep.actor';
import { openFlowProducer } from '../../queues/sweep-jobs';
import { ExchangeClients } from '../../core/exchanges/ccxt-client';
import { RequestPacer } from '../../core/exchanges/request-pacer';
import { createLogger } from '../../core/logger';
import { backtestLimits } from '../../core/sandbox/limits';
import { SandboxPool } from '../../core/sandbox/sandbox-pool';
import type { Logger } from 'pino';
import type { TestApp } from './app';

/** The broker and markets actors as a worker process runs them, in-process, on the test app's Redis prefix. */
export async function startBrokerWorkers(
  app: TestApp,
  logger: Logger = createLogger('silent', 'test'),
): Promise<{ close(): Promise<void> }> {
  const subscriber = app.redis.duplicate();
  const clients = new ExchangeClients(app.config.EXCHANGE_API_OVERRIDES);
  const paperSource = app.config.PAPER_PRICE_SOURCE;
  const workers = new BrokerWorkers({
    db: app.db,
    subscriber,
    redis: app.redis,
    redisUrl: app.config.REDIS_URL,
    prefix: app.config.QUEUE_PREFIX,
    logger,
    lockMs: app.config.BROKER_JOB_LOCK_MS,
    operations: new BrokerOperations(
      app.db,
      clients,
      app.config.SECRET_KEY,
      { priceSource: paperSource, slippage: app.config.PAPER_SLIPPAGE },
      new RequestPacer(app.redis, app.config.QUEUE_PREFIX),
      app.publisher,
    ),
  });
  await workers.start();
  const host = await startActors(
    [marketsActor({ db: app.db, clients, publisher: app.publisher, logger, paperSource })],
    {
      redisUrl: app.config.REDIS_URL,
      prefix: app.config.QUEUE_PREFIX,
      logger,
    },
  );
  return {
    close: async () => {
      await host.close();
      await workers.close();
      await subscriber.quit();
    },
  };
}

/** The backtest actor as a worker process runs it, in-process, on the test app's Redis prefix. */
export async function startBacktestWorker(app: TestApp): Promise<{ close(): Promise<void> }> {
  const logger = createLogger('silent', 'test');
  const sandbox = new SandboxPool({ size: app.config.SANDBOX_THREADS, logger });
  const host = await startActors(
    [
      backtestActor({
        db: app.db,
        redis: app.redis,
        prefix: app.config.QUEUE_PREFIX,
        clients: new ExchangeClients(app.config.EXCHANGE_API_OVERRIDES),
        pacer: new RequestPacer(app.redis, app.config.QUEUE_PREFIX),
        publisher: app.publisher,
        logger,
        sandbox,
        limits: (candles) => backtestLimits(app.config, candles),
      }),
    ],
    { redisUrl: app.config.REDIS_URL, prefix: app.config.QUEUE_PREFIX, logger },
  );
  return {
    close: async () => {
      await host.close();
      await sandbox.close();
    },
  };
}

/** One sweep worker in this process, as a worker process hosts it: its own sandbox, candle cache and name. */
export async function startSweepWorker(app: TestApp, workerName: string): Promise<{ close(): Promise<void> }> {
  const logger = createLogger('silent', 'test');
  const sandbox = new SandboxPool({ size: 1, logger });
  const flows = openFlowProducer(app.config.REDIS_URL, app.config.QUEUE_PREFIX);
  const host = await startActors(
    [
      sweepActor(
        {
          db: app.db,
          redis: app.redis,
          prefix: app.config.QUEUE_PREFIX,
          clients: new ExchangeClients(app.config.EXCHANGE_API_OVERRIDES),
          pacer: new RequestPacer(app.redis, app.config.QUEUE_PREFIX),
          publisher: app.publisher,
          logger,
          sandbox,
          limits: (candles) => backtestLimits(app.config, candles),
          flows,
          candles: new SweepCandles(),
          workerName,
        },
        1,
      ),
    ],
    { redisUrl: app.config.REDIS_URL, prefix: app.config.QUEUE_PREFIX, logger },
  );
  return {
    close: async () => {
      await host.close();
      await flows.close();
      await sandbox.close();
    },
  };
}
