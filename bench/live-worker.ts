// The actors of one worker process that live trading goes through — the dispatcher, the strategy actor, the broker
// and markets actors — in the bench's process, as actors/worker.main.ts builds them (LIVE_CONCURRENCY, one live
// sandbox pool of SANDBOX_THREADS), with stopwatches on the strategy actor's calls to say where an evaluation's
// time goes.
import type { Job, Queue } from 'bullmq';
import type { Knex } from 'knex';
import { BrokerOperations } from '../actors/broker/broker.operations';
import { BrokerWorkers } from '../actors/broker/broker-workers';
import { startActors } from '../actors/host';
import { marketsActor } from '../actors/markets/markets.actor';
import type { LiveDeps } from '../actors/strategy/evaluation';
import { strategyActor, tickActor } from '../actors/strategy/strategy.actor';
import type { Config } from '../core/config';
import { ExchangeClients } from '../core/exchanges/ccxt-client';
import { RequestPacer } from '../core/exchanges/request-pacer';
import { createLogger } from '../core/logger';
import type { EventPublisher } from '../core/realtime/publisher';
import type { Redis } from '../core/redis';
import { liveLimits } from '../core/sandbox/limits';
import { SandboxPool } from '../core/sandbox/sandbox-pool';
import { BrokerRequests } from '../queues/broker-client';
import { openQueue } from '../queues/connection';
import { QUEUES } from '../queues/names';
import { percentile } from './harness';

/** Durations (ms) by what was timed, and when each evaluation ran (performance.now()). */
export class Stopwatches {
  readonly samples = new Map<string, number[]>();
  readonly evaluations: { closeTime: number; start: number; end: number; outcome: unknown }[] = [];

  add(name: string, ms: number): void {
    const list = this.samples.get(name) ?? [];
    list.push(ms);
    this.samples.set(name, list);
  }

  async time<T>(name: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.add(name, performance.now() - started);
    }
  }

  reset(): void {
    this.samples.clear();
    this.evaluations.length = 0;
  }

  /** One line per stopwatch: count, p50, p99 and mean per evaluation. */
  print(evaluations: number): void {
    for (const [name, list] of [...this.samples].sort()) {
      const sorted = [...list].sort((a, b) => a - b);
      const total = list.reduce((a, b) => a + b, 0);
      process.stdout.write(
        `    ${name.padEnd(26)} ×${String(list.length).padEnd(5)} p50 ${percentile(sorted, 50).toFixed(1)} ms, ` +
          `p99 ${percentile(sorted, 99).toFixed(1)} ms, ${(total / evaluations).toFixed(2)} ms per evaluation\n`,
      );
    }
  }
}

/** Times every query of `db` (summed per evaluation: queries overlap, so this is work, not wall time). */
function timeQueries(db: Knex, watches: Stopwatches): void {
  const started = new Map<string, number>();
  db.on('query', (q: { __knexQueryUid: string }) => started.set(q.__knexQueryUid, performance.now()));
  const done = (_: unknown, q: { __knexQueryUid: string }) => {
    const at = started.get(q.__knexQueryUid);
    if (at === undefined) return;
    started.delete(q.__knexQueryUid);
    watches.add('db query (all actors)', performance.now() - at);
  };
  db.on('query-response', done);
  db.on('query-error', (_: unknown, q: { __knexQueryUid: string }) => done(undefined, q));
}

export async function startLiveWorker(options: {
  config: Config;
  db: Knex;
  redis: Redis;
  publisher: EventPublisher;
  now: () => number;
}) {
  const { config, db, redis, publisher } = options;
  const prefix = config.QUEUE_PREFIX;
  const logger = createLogger('silent', 'bench');
  const watches = new Stopwatches();
  timeQueries(db, watches);
  const clients = new ExchangeClients(config.EXCHANGE_API_OVERRIDES);
  const liveSandbox = new SandboxPool({ size: config.SANDBOX_THREADS, logger, queue: { perOwner: 64, total: 256 } });
  const broker = new BrokerRequests(redis, config.REDIS_URL, prefix, config.BROKER_REPLY_TIMEOUT_MS);
  // Stopwatches on the strategy actor's three kinds of waits: the broker actor's answers and the sandbox.
  const call = broker.call.bind(broker);
  broker.call = ((name, data) => watches.time(`broker ${name}`, () => call(name, data))) as typeof broker.call;
  const placeOrder = broker.placeOrder.bind(broker);
  broker.placeOrder = (data) => watches.time('broker createOrder', () => placeOrder(data));
  const run = liveSandbox.run.bind(liveSandbox);
  liveSandbox.run = ((kind, owner, input, runOptions) =>
    watches.time(`sandbox ${kind}`, () => run(kind, owner, input, runOptions))) as typeof liveSandbox.run;

  const strategyQueue: Queue = openQueue(QUEUES.strategy, config.REDIS_URL, prefix);
  const tickQueue: Queue = openQueue(QUEUES.tick, config.REDIS_URL, prefix);
  const deps: LiveDeps = {
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
    pacer: new RequestPacer(redis, prefix),
  };
  const strategy = strategyActor({ ...deps, concurrency: config.LIVE_CONCURRENCY, lockMs: config.BROKER_JOB_LOCK_MS });
  const evaluate = strategy.process;
  strategy.process = async (job: Job, token?: string) => {
    if (job.name !== 'evaluate') return evaluate(job, token);
    const start = performance.now();
    const outcome: unknown = await evaluate(job, token);
    const { closeTime } = job.data as { closeTime: number };
    watches.evaluations.push({ closeTime, start, end: performance.now(), outcome });
    watches.add('evaluation (in the actor)', performance.now() - start);
    return outcome;
  };

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
  const host = await startActors(
    [
      marketsActor({ db, clients, publisher, logger, paperSource: config.PAPER_PRICE_SOURCE }),
      tickActor({
        db,
        strategyQueue,
        tickQueue,
        replayMaxMs: config.HEARTBEAT_REPLAY_MAX_SECONDS * 1000,
        now: options.now,
      }),
      strategy,
    ],
    { redisUrl: config.REDIS_URL, prefix, logger },
  );
  return {
    watches,
    tickQueue,
    strategyQueue,
    close: async () => {
      await host.close();
      await brokers.close();
      await liveSandbox.close();
      await broker.close();
      await subscriber.quit();
      await strategyQueue.obliterate({ force: true });
      await tickQueue.obliterate({ force: true });
      await strategyQueue.close();
      await tickQueue.close();
    },
  };
}
