import { hostname } from 'node:os';
import { ExchangeClients } from '../core/exchanges/ccxt-client';
import { RequestPacer } from '../core/exchanges/request-pacer';
import { EventPublisher } from '../core/realtime/publisher';
import { evictionPolicy } from '../core/redis';
import { backtestLimits, liveLimits } from '../core/sandbox/limits';
import { SandboxPool } from '../core/sandbox/sandbox-pool';
import { BrokerRequests } from '../queues/broker-client';
import { openQueue } from '../queues/connection';
import { openFlowProducer } from '../queues/sweep-jobs';
import { QUEUES } from '../queues/names';
import { backtestActor } from './backtest/backtest.actor';
import { BrokerOperations } from './broker/broker.operations';
import { BrokerWorkers } from './broker/broker-workers';
import { startActors } from './host';
import { marketsActor, requestMissingMarkets } from './markets/markets.actor';
import { runProcess } from './process';
import { strategyActor, tickActor } from './strategy/strategy.actor';
import { statsActor } from './stats/stats.actor';
import { SweepCandles } from './sweep/sweep-run';
import { sweepActor } from './sweep/sweep.actor';
import { systemActor } from './system.actor';
import { webhookActor } from './webhook/webhook.actor';

/**
 * The `worker` process: hosts the actors. Run as many as you like, on as many machines as you like, pointed at the
 * same Redis and PostgreSQL: BullMQ spreads the jobs. SIGTERM lets active jobs finish before exiting.
 */
void runProcess('worker', async ({ config, logger, db, redis }) => {
  const policy = await evictionPolicy(redis);
  if (policy && policy !== 'noeviction') {
    logger.warn({ policy }, 'Redis maxmemory-policy should be noeviction: jobs can be lost under memory pressure');
  }
  const prefix = config.QUEUE_PREFIX;
  const clients = new ExchangeClients(config.EXCHANGE_API_OVERRIDES);
  const publisher = new EventPublisher(redis, prefix);
  // Backtests simulate on these threads: this process's event loop is every broker actor's.
  const sandbox = new SandboxPool({ size: config.SANDBOX_THREADS, logger });
  // Live evaluations have threads of their own, so that a long backtest never delays a close; the actor's
  // concurrency bounds what waits for them.
  const liveSandbox = new SandboxPool({ size: config.SANDBOX_THREADS, logger, queue: { perOwner: 64, total: 256 } });
  const broker = new BrokerRequests(redis, config.REDIS_URL, prefix, config.BROKER_REPLY_TIMEOUT_MS);
  const strategyQueue = openQueue(QUEUES.strategy, config.REDIS_URL, prefix);
  const tickQueue = openQueue(QUEUES.tick, config.REDIS_URL, prefix);
  const webhookQueue = openQueue(QUEUES.webhook, config.REDIS_URL, prefix);
  const flows = openFlowProducer(config.REDIS_URL, prefix);
  const pacer = new RequestPacer(redis, prefix);
  const backtestLimitsOf = (candles: number) => backtestLimits(config, candles);
  const host = await startActors(
    [
      systemActor({ db, redis, redisUrl: config.REDIS_URL, prefix, logger }),
      marketsActor({ db, clients, publisher, logger, paperSource: config.PAPER_PRICE_SOURCE }),
      {
        ...backtestActor({
          db,
          redis,
          prefix,
          clients,
          pacer,
          publisher,
          logger,
          sandbox,
          limits: backtestLimitsOf,
        }),
        concurrency: config.BACKTEST_CONCURRENCY,
      },
      // Sweep runs share the backtests' sandbox and concurrency: one simulation per core, spread over every worker.
      sweepActor(
        {
          db,
          redis,
          prefix,
          clients,
          pacer,
          publisher,
          logger,
          sandbox,
          limits: backtestLimitsOf,
          flows,
          candles: new SweepCandles(),
          workerName: `${hostname()}:${process.pid}`,
        },
        config.BACKTEST_CONCURRENCY,
        config.BROKER_JOB_LOCK_MS,
      ),
      tickActor({ db, strategyQueue, tickQueue, replayMaxMs: config.HEARTBEAT_REPLAY_MAX_SECONDS * 1000 }),
      strategyActor({
        db,
        broker,
        publisher,
        logger,
        sandbox: liveSandbox,
        limits: liveLimits(config),
        paperSource: config.PAPER_PRICE_SOURCE,
        paperSlippage: config.PAPER_SLIPPAGE,
        warmup: config.LIVE_WARMUP_CANDLES,
        warmRunners: config.SANDBOX_WARM_RUNNERS,
        clients,
        pacer,
        concurrency: config.LIVE_CONCURRENCY,
        lockMs: config.BROKER_JOB_LOCK_MS,
      }),
      webhookActor({
        db,
        broker,
        publisher,
        logger,
        paperSource: config.PAPER_PRICE_SOURCE,
        paperSlippage: config.PAPER_SLIPPAGE,
        queue: webhookQueue,
        concurrency: config.WEBHOOK_CONCURRENCY,
        lockMs: config.BROKER_JOB_LOCK_MS,
      }),
      statsActor({ db, prices: broker, logger }),
    ],
    { redisUrl: config.REDIS_URL, prefix, logger },
  );
  const subscriber = redis.duplicate();
  const brokers = new BrokerWorkers({
    db,
    subscriber,
    redis,
    redisUrl: config.REDIS_URL,
    prefix,
    logger,
    lockMs: config.BROKER_JOB_LOCK_MS,
    operations: new BrokerOperations(
      db,
      clients,
      config.SECRET_KEY,
      { priceSource: config.PAPER_PRICE_SOURCE, slippage: config.PAPER_SLIPPAGE },
      new RequestPacer(redis, prefix),
      publisher,
    ),
  });
  await brokers.start();
  const markets = openQueue(QUEUES.markets, config.REDIS_URL, prefix);
  const missing = await requestMissingMarkets(db, markets, config.PAPER_PRICE_SOURCE);
  if (missing.length) logger.info({ exchanges: missing }, 'loading missing markets in the background');
  return async () => {
    await host.close();
    await sandbox.close();
    await liveSandbox.close();
    await broker.close();
    await strategyQueue.close();
    await tickQueue.close();
    await webhookQueue.close();
    await flows.close();
    await brokers.close();
    await markets.close();
    await subscriber.quit();
  };
});
