import type { Queue } from 'bullmq';
import { startActors } from '../../actors/host';
import type { LiveDeps } from '../../actors/strategy/evaluation';
import { strategyActor, tickActor } from '../../actors/strategy/strategy.actor';
import { ExchangeClients } from '../../core/exchanges/ccxt-client';
import { RequestPacer } from '../../core/exchanges/request-pacer';
import { createLogger } from '../../core/logger';
import { liveLimits } from '../../core/sandbox/limits';
import { SandboxPool } from '../../core/sandbox/sandbox-pool';
import { BrokerRequests } from '../../queues/broker-client';
import { requestMarkets } from '../../actors/markets/markets.actor';
import { openQueue } from '../../queues/connection';
import { jobIds } from '../../queues/jobs';
import { QUEUES } from '../../queues/names';
import type { Client, TestApp } from './app';
import { until } from './wait';

/** The dispatcher and the strategy actor as a worker process runs them, in-process, with a clock of the test's. */
export async function startLiveWorkers(app: TestApp, clock: { now(): number }) {
  const logger = createLogger('silent', 'test');
  const { config } = app;
  const strategyQueue: Queue = openQueue(QUEUES.strategy, config.REDIS_URL, config.QUEUE_PREFIX);
  const tickQueue: Queue = openQueue(QUEUES.tick, config.REDIS_URL, config.QUEUE_PREFIX);
  const broker = new BrokerRequests(app.redis, config.REDIS_URL, config.QUEUE_PREFIX, config.BROKER_REPLY_TIMEOUT_MS);
  const sandbox = new SandboxPool({ size: 1, logger, queue: { perOwner: 64, total: 256 } });
  const deps: LiveDeps = {
    db: app.db,
    broker,
    publisher: app.publisher,
    logger,
    sandbox,
    limits: liveLimits(config),
    paperSource: config.PAPER_PRICE_SOURCE,
    paperSlippage: config.PAPER_SLIPPAGE,
    warmup: config.LIVE_WARMUP_CANDLES,
    warmRunners: config.SANDBOX_WARM_RUNNERS,
    now: () => clock.now(),
    clients: new ExchangeClients(config.EXCHANGE_API_OVERRIDES),
    pacer: new RequestPacer(app.redis, config.QUEUE_PREFIX),
  };
  const host = await startActors(
    [
      tickActor({
        db: app.db,
        strategyQueue,
        tickQueue,
        replayMaxMs: config.HEARTBEAT_REPLAY_MAX_SECONDS * 1000,
        now: () => clock.now(),
      }),
      strategyActor({ ...deps, concurrency: 2, lockMs: config.BROKER_JOB_LOCK_MS }),
    ],
    { redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX, logger },
  );
  return {
    deps,
    strategyQueue,
    tickQueue,
    close: async () => {
      await host.close();
      await sandbox.close();
      await broker.close();
      await strategyQueue.close();
      await tickQueue.close();
    },
  };
}

/** Enters long on its first close and holds, half the balance: what is open at any close is the first entry. */
export const HOLD = `class Hold extends Strategy {
  shouldLong() { return true; }
  calculatePositionSize() { return this.balance * 0.5; }
}`;

/** Loads an exchange's markets as a worker does at start for its brokers (the rules live orders are sized with). */
export async function loadMarkets(app: TestApp, exchange: string): Promise<void> {
  const markets = openQueue(QUEUES.markets, app.config.REDIS_URL, app.config.QUEUE_PREFIX);
  await requestMarkets(markets, exchange);
  await markets.close();
  await until(() => app.db('exchange_symbols').where({ exchange }).first());
}

/** Queues the tick of `closeTime` as the heartbeat does; resolves with the activation's evaluation outcome. */
export async function evaluatedOnTick(
  live: Awaited<ReturnType<typeof startLiveWorkers>>,
  activationId: number,
  closeTime: number,
): Promise<string> {
  await live.tickQueue.add('tick', { timeframe: '1h', closeTime }, { jobId: jobIds.tick('1h', closeTime) });
  const job = await until(async () => {
    const found = await live.strategyQueue.getJob(jobIds.evaluate(activationId, closeTime));
    return found?.finishedOn ? found : undefined;
  });
  if (job.failedReason) throw new Error(job.failedReason);
  return job.returnvalue as string;
}

/** Saves a strategy of `code` for the client's user; returns its id. */
export async function savedStrategy(client: Client, code: string, timeframe = '1h'): Promise<number> {
  const res = await client.send('post', '/api/strategies', {
    name: `live-${Math.random().toString(36).slice(2, 10)}`,
    description: '',
    timeframe,
    code,
  });
  if (res.status !== 201) throw new Error(`strategy refused: ${JSON.stringify(res.body)}`);
  return res.body.id;
}

/**
 * An activation row written directly (the API is tested on its own): active from `from` to `to` on the broker.
 */
export async function activation(
  app: TestApp,
  row: {
    userId: number;
    strategyId: number;
    brokerId: number;
    from: number;
    to: number;
    symbol?: string;
    timeframe?: string;
  } & Record<string, unknown>,
): Promise<number> {
  const { userId, strategyId, brokerId, from, to, symbol = 'BTC/USDT', timeframe = '1h', ...rest } = row;
  const [{ id }] = await app
    .db('active_strategies')
    .insert({
      user_id: userId,
      strategy_id: strategyId,
      broker_id: brokerId,
      symbol,
      timeframe,
      start_date: new Date(from),
      end_date: new Date(to),
      ...rest,
    })
    .returning('id');
  return Number(id);
}

/** Stores freqtrade-style rows `[open ms, o, h, l, c, v]` as candles of the market. */
export async function storeRows(
  app: TestApp,
  rows: number[][],
  key: { source: string; symbol: string; timeframe: string },
  tfMs: number,
) {
  for (let i = 0; i < rows.length; i += 500) {
    await app
      .db('candles')
      .insert(
        rows.slice(i, i + 500).map(([t, o, h, l, c, v]) => ({
          ...key,
          open_time: new Date(t),
          close_time: new Date(t + tfMs - 1),
          open: String(o),
          high: String(h),
          low: String(l),
          close: String(c),
          volume: String(v),
        })),
      )
      .onConflict(['source', 'symbol', 'timeframe', 'open_time'])
      .ignore();
  }
}
