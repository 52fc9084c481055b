// Live trading, in the actors of one worker process (bench/live-worker.ts): the dispatcher, the strategy actor
// (LIVE_CONCURRENCY, SANDBOX_THREADS), the broker and markets actors; the fake Binance in a process of its own
// (bench/live-exchange.ts), as the exchange is not on the worker's CPU.
// - Close to order: 20 activations on 10 markets (10 users, a Binance broker each on the fake Binance, two
//   activations each), a strategy that orders on every close (long entry, then exit, and again). From the `tick`
//   queued as the heartbeat queues it at the candle boundary to each order accepted at the fake exchange (its
//   onOrderAccepted hook). The heartbeat's own close-to-tick is measured by the heartbeat benches.
// - Evaluations per second: 500 activations (50 users, their paper broker each, 10 activations each) of a strategy
//   that decides nothing: from the tick to the 500th evaluation done.
import { loadConfig } from '../core/config';
import { createDb, migrateLatest } from '../core/db/knex';
import { EventPublisher } from '../core/realtime/publisher';
import { createRedis } from '../core/redis';
import { requestMarkets } from '../actors/markets/markets.actor';
import { workerPool } from '../actors/process';
import { openQueue } from '../queues/connection';
import { jobIds } from '../queues/jobs';
import { QUEUES } from '../queues/names';
import { GRACE_MS } from './heartbeat';
import { percentile, report, save } from './harness';
import { monotonicMs, startBenchExchange } from './live-exchange';
import { MARKETS, MINUTE, benchActivation, benchUser, storeCandles } from './live-setup';
import { startLiveWorker } from './live-worker';

const ROUNDS = Number(process.env.BENCH_LIVE_ROUNDS ?? 10);
const FLIP_USERS = Number(process.env.BENCH_LIVE_FLIP_USERS ?? 10);
const FLIPS_PER_USER = Number(process.env.BENCH_LIVE_FLIPS_PER_USER ?? 2);
const IDLE_USERS = Number(process.env.BENCH_LIVE_IDLE_USERS ?? 50);
const IDLE_PER_USER = Number(process.env.BENCH_LIVE_IDLE_PER_USER ?? 10);
const IDLE_ROUNDS = 3;
/** Rounds not measured: the first orders of each broker create its ccxt instance and load its markets. */
const WARMUP_ROUNDS = 2;

/**
 * Enters on every close when flat and exits on the next one: one order per close. It buys exactly one unit (the
 * cost of one at the close, the 0.1 % fee and a hair more, floored to the step), so that what Binance leaves after
 * taking its fee in the base asset (0.999) is still on every market's amount step: a position of, say, 0.0049951
 * BTC is refused on exit today (see the bench's report).
 */
const FLIP = `class Flip extends Strategy {
  shouldLong() { return true; }
  shouldShort() { return true; }
  calculatePositionSize() { return this.candles.close.at(-1) * 1.001 * 1.000001; }
}`;
const IDLE = 'class Idle extends Strategy {}';

async function main(): Promise<void> {
  const fake = await startBenchExchange();
  const fakeUrl = fake.url;
  const config = loadConfig({
    ...process.env,
    QUEUE_PREFIX: `live${process.pid}`,
    EXCHANGE_API_OVERRIDES: JSON.stringify({ binance: fakeUrl }),
    PAPER_PRICE_SOURCE: 'binance',
  });
  const db = createDb(config.DATABASE_URL, workerPool(config));
  await migrateLatest(db);
  const redis = createRedis(config.REDIS_URL);
  const publisher = new EventPublisher(redis, config.QUEUE_PREFIX);

  const warmup = config.LIVE_WARMUP_CANDLES;
  const closes = WARMUP_ROUNDS + ROUNDS + 1 + IDLE_ROUNDS;
  // Candles of hours ago; the dispatcher's clock is the bench's, just past each close.
  const from = Math.floor(Date.now() / MINUTE) * MINUTE - (warmup + closes + 60) * MINUTE;
  await storeCandles(db, from, warmup + closes);
  const tag = `live${process.pid}`;
  // An earlier run's activations on this database would be ticked with ours.
  await db('active_strategies')
    .whereIn('user_id', db('users').where('username', 'like', 'live%').select('id'))
    .update({ state: 'stopped' });
  const flips: number[] = [];
  for (let u = 0; u < FLIP_USERS; u++) {
    const user = await benchUser(db, config, `${tag}f${u}`, 'binance', FLIP);
    for (let k = 0; k < FLIPS_PER_USER; k++) {
      const market = MARKETS[(u * FLIPS_PER_USER + k) % MARKETS.length]!;
      flips.push(await benchActivation(db, user, market.symbol, from, 'active'));
    }
  }
  const idles: number[] = [];
  for (let u = 0; u < IDLE_USERS; u++) {
    const user = await benchUser(db, config, `${tag}i${u}`, 'paper', IDLE);
    for (let k = 0; k < IDLE_PER_USER; k++) {
      idles.push(await benchActivation(db, user, MARKETS[k % MARKETS.length]!.symbol, from, 'suspended'));
    }
  }

  let now = 0;
  const worker = await startLiveWorker({ config, db, redis, publisher, now: () => now });
  try {
    // The markets a worker loads for its brokers' exchange: the rules live orders are sized with.
    const markets = openQueue(QUEUES.markets, config.REDIS_URL, config.QUEUE_PREFIX);
    await requestMarkets(markets, 'binance');
    await markets.close();
    const symbols = MARKETS.map((m) => m.symbol);
    while (
      Number(
        (
          await db('exchange_symbols')
            .where({ exchange: 'binance' })
            .whereIn('symbol', symbols)
            .count({ n: '*' })
            .first()
        )?.n,
      ) < symbols.length
    )
      await new Promise((resolve) => setTimeout(resolve, 50));

    let candle = warmup;
    /** Queues the tick of the next close as the heartbeat does, and resolves when `count` evaluations are done. */
    async function close(
      count: number,
    ): Promise<{ tickAt: number; done: number; outcomes: unknown[]; starts: number[] }> {
      const closeTime = from + (candle + 1) * MINUTE - 1;
      candle++;
      now = closeTime + 1 + GRACE_MS;
      const tickAt = performance.now();
      await worker.tickQueue.addBulk([
        { name: 'tick', data: { timeframe: '1m', closeTime }, opts: { jobId: jobIds.tick('1m', closeTime) } },
      ]);
      const ran = () => worker.watches.evaluations.filter((e) => e.closeTime === closeTime);
      while (ran().length < count) await new Promise((resolve) => setTimeout(resolve, 2));
      const done = ran();
      return {
        tickAt,
        done: Math.max(...done.map((e) => e.end)),
        outcomes: done.map((e) => e.outcome),
        starts: done.map((e) => e.start - tickAt),
      };
    }

    // Close to order.
    let tickAt = 0;
    let accepted: number[] = [];
    fake.onOrderAccepted = (at) => void accepted.push(at - tickAt);
    const samples: number[] = [];
    const starts: number[] = [];
    for (let r = 0; r < WARMUP_ROUNDS + ROUNDS; r++) {
      if (r === WARMUP_ROUNDS) worker.watches.reset();
      accepted = [];
      tickAt = monotonicMs();
      const round = await close(flips.length);
      const traded = round.outcomes.filter((o) => o === 'traded').length;
      // The exchange's reports come over its own channel, and may trail its replies.
      const until = monotonicMs() + 1000;
      while (accepted.length < flips.length && monotonicMs() < until) await new Promise((r) => setTimeout(r, 2));
      if (traded !== flips.length || accepted.length !== flips.length) {
        const errors = await db('active_strategies').whereIn('id', flips).pluck('last_error');
        throw new Error(
          `round ${r}: ${traded} evaluations traded, ${accepted.length} orders at the exchange: ${JSON.stringify(round.outcomes)} ${JSON.stringify(errors.slice(0, 3))}`,
        );
      }
      if (r >= WARMUP_ROUNDS) {
        samples.push(...accepted);
        starts.push(...round.starts);
      }
      // Closes are a minute apart: let each broker's request pacing slot lapse as it would have.
      await new Promise((resolve) => setTimeout(resolve, 120));
    }
    samples.sort((a, b) => a - b);
    starts.sort((a, b) => a - b);
    const work =
      `${samples.length} orders: ${ROUNDS} closes × ${flips.length} activations on ${MARKETS.length} markets, ` +
      `${FLIP_USERS} Binance brokers; from the tick at the boundary, close-to-tick in the heartbeat benches`;
    const results: Record<string, number> = {
      live_close_to_order_p50_ms: percentile(samples, 50),
      live_close_to_order_p99_ms: percentile(samples, 99),
    };
    report('live_close_to_order_p50_ms', results.live_close_to_order_p50_ms, 'ms', work);
    report('live_close_to_order_p99_ms', results.live_close_to_order_p99_ms, 'ms', work);
    process.stdout.write(
      `    tick → evaluation starts: p50 ${percentile(starts, 50).toFixed(1)} ms, p99 ${percentile(starts, 99).toFixed(1)} ms ` +
        `(LIVE_CONCURRENCY ${config.LIVE_CONCURRENCY}, SANDBOX_THREADS ${config.SANDBOX_THREADS})\n`,
    );
    worker.watches.print(ROUNDS * flips.length);

    // Evaluations per second.
    await db('active_strategies').whereIn('id', flips).update({ state: 'stopped' });
    await db('active_strategies').whereIn('id', idles).update({ state: 'active', suspended_by: null });
    const rates: number[] = [];
    for (let r = 0; r < 1 + IDLE_ROUNDS; r++) {
      if (r === 1) worker.watches.reset();
      const round = await close(idles.length);
      if (round.outcomes.some((o) => o !== 'none'))
        throw new Error(`round ${r}: an idle evaluation did not decide nothing`);
      const seconds = (round.done - round.tickAt) / 1000;
      if (r >= 1) rates.push(idles.length / seconds);
      process.stdout.write(
        `    round ${r}${r === 0 ? ' (warm-up)' : ''}: ${idles.length} evaluations in ${(seconds * 1000).toFixed(0)} ms\n`,
      );
    }
    rates.sort((a, b) => a - b);
    results.live_evaluations_per_s = percentile(rates, 50);
    report(
      'live_evaluations_per_s',
      results.live_evaluations_per_s,
      '/s',
      `median of ${IDLE_ROUNDS} closes × ${idles.length} activations (${IDLE_USERS} users, a paper broker each), ` +
        `one worker: LIVE_CONCURRENCY ${config.LIVE_CONCURRENCY}, SANDBOX_THREADS ${config.SANDBOX_THREADS}, ` +
        `${warmup + 1} candles each`,
    );
    worker.watches.print(IDLE_ROUNDS * idles.length);
    save(results);
  } finally {
    await worker.close();
    await redis.quit();
    await db.destroy();
    await fake.close();
  }
}

main().catch((error: unknown) => {
  // A failed insert's message holds its whole statement.
  process.stderr.write(`${(error instanceof Error ? (error.stack ?? error.message) : String(error)).slice(0, 4000)}\n`);
  process.exit(1);
});
