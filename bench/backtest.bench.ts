// A backtest of one year of 1m candles (525,600, the real BTC/USDT 1m fixture repeated on consecutive minutes) with
// the example EMA 10/20 cross in the sandbox: load from PostgreSQL, simulate, and the whole run from the database to
// the stored result (the backtest actor's own function). Also the cost of one call into the sandbox.
import { runBacktest } from '../actors/backtest/backtest.actor';
import { simulate } from '../core/backtest/engine';
import { loadColumns } from '../core/candles/history';
import { loadConfig } from '../core/config';
import { createDb, migrateLatest } from '../core/db/knex';
import { ExchangeClients } from '../core/exchanges/ccxt-client';
import { RequestPacer } from '../core/exchanges/request-pacer';
import { createLogger } from '../core/logger';
import { EventPublisher } from '../core/realtime/publisher';
import { createRedis } from '../core/redis';
import { SandboxPool } from '../core/sandbox/sandbox-pool';
import { StrategyRunner } from '../core/sandbox/strategy-runner';
import { EXAMPLE_STRATEGY } from '../core/sandbox/templates';
import { report, save } from './harness';
import { ensureYearOfCandles, YEAR_CANDLES, YEAR_KEY, YEAR_START } from './year-candles';

const CANDLES = YEAR_CANDLES;
const START = YEAR_START;
const KEY = YEAR_KEY;
const LIMITS = { memoryMb: 64, timeoutMs: 500, budgetMs: 60_000 };
const RUNS = 3;
const CALLS = 100_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, QUEUE_PREFIX: `benchbt${process.pid}` });
  const db = createDb(config.DATABASE_URL);
  await migrateLatest(db);
  const redis = createRedis(config.REDIS_URL);
  try {
    await ensureYearOfCandles(db);
    const to = START + CANDLES * 60_000;

    const loads: number[] = [];
    const simulations: number[] = [];
    let trades = 0;
    for (let run = 0; run < RUNS; run++) {
      let t = performance.now();
      const candles = await loadColumns(db, KEY, START, to);
      loads.push(performance.now() - t);
      if (candles.close.length !== CANDLES) throw new Error(`expected ${CANDLES} candles, got ${candles.close.length}`);
      const runner = StrategyRunner.create(EXAMPLE_STRATEGY, LIMITS);
      runner.load(candles);
      t = performance.now();
      const result = await simulate(
        runner,
        candles,
        {
          initialAmount: '10000',
          fee: '0.001',
          slippage: '0.0005',
          fill: 'close',
          market: 'spot',
          timeframeMs: 60_000,
        },
        { checkpoint: () => false },
      );
      simulations.push(performance.now() - t);
      trades = result.trades.length;
      runner.dispose();
    }

    const [user] = await db('users')
      .insert({ username: `bench${process.pid}`, username_key: `bench${process.pid}`, password_hash: 'x' })
      .returning('id');
    const [strategy] = await db('strategies')
      .insert({ user_id: user.id, name: 'EMA', timeframe: '1m', code: EXAMPLE_STRATEGY })
      .returning('id');
    const totals: number[] = [];
    const sandbox = new SandboxPool({ size: 1, logger: createLogger('silent', 'bench') });
    for (let run = 0; run < RUNS; run++) {
      const [row] = await db('backtest_results')
        .insert({
          user_id: user.id,
          strategy_id: strategy.id,
          ...KEY,
          start_date: new Date(START),
          end_date: new Date(to),
          initial_amount: '10000',
          fee: '0.001',
          slippage: '0.0005',
          fill: 'close',
          market: 'spot',
        })
        .returning('id');
      const t = performance.now();
      const status = await runBacktest(
        {
          db,
          redis,
          prefix: config.QUEUE_PREFIX,
          clients: new ExchangeClients(),
          pacer: new RequestPacer(redis, config.QUEUE_PREFIX),
          publisher: new EventPublisher(redis, config.QUEUE_PREFIX),
          logger: createLogger('silent', 'bench'),
          sandbox,
          limits: () => LIMITS,
        },
        Number(row.id),
      );
      totals.push(performance.now() - t);
      if (status !== 'completed') throw new Error(`backtest ${status}`);
    }
    await sandbox.close();
    await db('users').where({ id: user.id }).delete();

    const runner = StrategyRunner.create(EXAMPLE_STRATEGY, LIMITS);
    runner.load(await loadColumns(db, KEY, START, START + 100 * 60_000));
    runner.start(10_000, 'spot');
    const state = { balance: 10_000, position: null };
    for (let i = 0; i < 10_000; i++) runner.run(50, 50, state);
    const t = performance.now();
    for (let i = 0; i < CALLS; i++) runner.run(50, 50, state);
    const sandbox_call_us = ((performance.now() - t) * 1000) / CALLS;
    runner.dispose();

    const simulate_ms = median(simulations);
    const results = {
      backtest_simulate_candles_per_s: CANDLES / (simulate_ms / 1000),
      backtest_load_ms_1y_1m: median(loads),
      backtest_total_ms_1y_1m: median(totals),
      sandbox_call_us,
    };
    const work = `${CANDLES} 1m candles, EMA 10/20 cross in the sandbox, ${trades} trades, median of ${RUNS}`;
    report(
      'backtest_simulate_candles_per_s',
      results.backtest_simulate_candles_per_s,
      '/s',
      `${work}; ${simulate_ms.toFixed(0)} ms`,
    );
    report(
      'backtest_load_ms_1y_1m',
      results.backtest_load_ms_1y_1m,
      'ms',
      `${CANDLES} rows from PostgreSQL to float64 columns`,
    );
    report(
      'backtest_total_ms_1y_1m',
      results.backtest_total_ms_1y_1m,
      'ms',
      `database to stored result (${trades} trades stored), median of ${RUNS}`,
    );
    report(
      'sandbox_call_us',
      sandbox_call_us,
      'µs',
      `${CALLS} calls into the isolate (one slice, primitives in, a string out)`,
    );
    save(results);
  } finally {
    await db.destroy();
    await redis.quit();
  }
}

void main();
