// The Statistiques page's cost.
// 1. stats_summary_ms_100k: the five API calls the page makes together (summary, balance, pnl, by-strategy,
//    by-webhook-source) for the period "Tout", over 100,000 fills (50,000 round trips) on 5 brokers and 20 strategy
//    activations plus manual trades, with a year of hourly balance snapshots per broker; median of BENCH_STATS_RUNS.
// 2. stats_snapshot_ms_per_broker: the stats actor valuing BENCH_SNAPSHOT_BROKERS paper brokers (balance and prices
//    through the broker actor, prices from the fake Binance), per broker.
import { loadConfig } from '../core/config';
import { createDb, migrateLatest } from '../core/db/knex';
import { createLogger } from '../core/logger';
import { fromFixed18, mulFixed18, toFixed18 } from '../core/stats/fixed';
import { takeDueSnapshots } from '../core/stats/snapshots';
import { BrokerRequests } from '../queues/broker-client';
import { signedInClient, uniqueName, type Client } from '../test/helpers/app';
import { startTradingStack } from '../test/helpers/trading';
import { report, save } from './harness';

const FILLS = 100_000;
const BROKERS = 5;
const ACTIVATIONS = 20;
const RUNS = Number(process.env.BENCH_STATS_RUNS ?? 5);
const SNAPSHOT_BROKERS = Number(process.env.BENCH_SNAPSHOT_BROKERS ?? 20);
const HOUR = 3_600_000;
const YEAR = 365 * 24 * HOUR;

type Stack = Awaited<ReturnType<typeof startTradingStack>>;

/** A year of one user's trading: round trips of every origin, spread evenly, prices wandering around 100. */
async function seedHistory(stack: Stack, client: Client): Promise<void> {
  const db = stack.app.db;
  const userId = client.user!.id;
  const brokers = await db('brokers')
    .insert(Array.from({ length: BROKERS }, (_, i) => ({ user_id: userId, name: `Paper ${i}`, exchange: 'paper' })))
    .returning('id');
  const [strategy] = await db('strategies')
    .insert({ user_id: userId, name: uniqueName('bench'), timeframe: '1h', code: 'class S extends Strategy {}' })
    .returning('id');
  const start = Date.now() - YEAR;
  const activations = await db('active_strategies')
    .insert(
      Array.from({ length: ACTIVATIONS }, (_, i) => ({
        user_id: userId,
        strategy_id: strategy.id,
        broker_id: brokers[i % BROKERS].id,
        symbol: 'ETH/USDT',
        timeframe: '1h',
        start_date: new Date(start),
        end_date: new Date(start + 2 * YEAR),
        state: 'stopped',
      })),
    )
    .returning('id');
  const trips = FILLS / 2;
  const step = YEAR / trips;
  const rows: Record<string, unknown>[] = [];
  const brokerFills = new Map<number, { time: number; side: 'buy' | 'sell'; price: string; fee: string }[]>();
  for (let i = 0; i < trips; i++) {
    const activation = i % (ACTIVATIONS + 1);
    const origin =
      activation === ACTIVATIONS
        ? { source: 'manual', broker_id: brokers[i % BROKERS].id }
        : {
            source: 'strategy',
            active_strategy_id: activations[activation].id,
            strategy_id: strategy.id,
            broker_id: brokers[activation % BROKERS].id,
          };
    const entry = 100 + Math.sin(i / 500) * 20;
    const exit = entry * (1 + Math.sin(i * 7.3) * 0.02);
    const at = start + i * step;
    for (const [side, price, time] of [
      ['buy', entry, at],
      ['sell', exit, at + step / 2],
    ] as const) {
      const fill = { time, side, price: price.toFixed(4), fee: (price * 0.5 * 0.001).toFixed(8) };
      const own = brokerFills.get(Number(origin.broker_id)) ?? [];
      own.push(fill);
      brokerFills.set(Number(origin.broker_id), own);
      rows.push({
        user_id: userId,
        symbol: 'ETH/USDT',
        side,
        type: 'market',
        quantity: '0.5',
        filled_quantity: '0.5',
        average_price: fill.price,
        fee: fill.fee,
        fee_currency: 'USDT',
        status: 'closed',
        executed_at: new Date(time),
        created_at: new Date(time),
        ...origin,
      });
    }
    if (rows.length >= 2000) await db.batchInsert('trades', rows.splice(0), 2000);
  }
  await db.batchInsert('trades', rows.splice(0), 2000);
  const snapshots: Record<string, unknown>[] = [];
  const half = toFixed18('0.5');
  for (const broker of brokers) {
    // Holdings that follow the broker's fills exactly, valued at a wandering price: no transfer to find.
    const fills = (brokerFills.get(Number(broker.id)) ?? []).sort((a, b) => a.time - b.time);
    let usdt = toFixed18('5000');
    let eth = toFixed18('50');
    let next = 0;
    for (let t = start; t < Date.now() - HOUR; t += HOUR) {
      for (; next < fills.length && fills[next].time <= t; next++) {
        const { side, price, fee } = fills[next];
        const notional = mulFixed18(half, toFixed18(price));
        usdt += (side === 'buy' ? -notional : notional) - toFixed18(fee);
        eth += side === 'buy' ? half : -half;
      }
      const price = (100 + Math.sin(t / (50 * HOUR)) * 20).toFixed(4);
      const value = usdt + mulFixed18(eth, toFixed18(price));
      snapshots.push({
        user_id: userId,
        broker_id: broker.id,
        key: `hour:${new Date(t).toISOString().slice(0, 13)}`,
        time: new Date(t),
        value_usdt: fromFixed18(value),
        holdings: JSON.stringify({
          USDT: { total: fromFixed18(usdt), priceUsd: '1' },
          ETH: { total: fromFixed18(eth), priceUsd: price },
        }),
      });
      if (snapshots.length >= 2000) await db.batchInsert('balance_snapshots', snapshots.splice(0), 2000);
    }
  }
  await db.batchInsert('balance_snapshots', snapshots.splice(0), 2000);
}

const PAGE_CALLS = ['summary', 'balance', 'pnl', 'by-strategy', 'by-webhook-source'];

async function pageLoad(client: Client): Promise<number> {
  const started = performance.now();
  const answers = await Promise.all(PAGE_CALLS.map((route) => client.get(`/api/stats/${route}`)));
  const elapsed = performance.now() - started;
  const failed = answers.find((a) => a.status !== 200);
  if (failed) throw new Error(`stats call answered ${failed.status}: ${JSON.stringify(failed.body)}`);
  if (answers[0].body.trades !== FILLS / 2)
    throw new Error(`expected ${FILLS / 2} trades, got ${answers[0].body.trades}`);
  return elapsed;
}

async function main(): Promise<void> {
  const schema = createDb(loadConfig(process.env).DATABASE_URL);
  await migrateLatest(schema);
  await schema.destroy();
  const stack = await startTradingStack({ LOG_LEVEL: 'silent' });
  const { config, redis } = stack.app;
  const prices = new BrokerRequests(redis, config.REDIS_URL, config.QUEUE_PREFIX, 30_000);
  try {
    const client = await signedInClient(stack.app);
    let started = performance.now();
    await seedHistory(stack, client);
    process.stdout.write(`  seeded in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    // The first load after a change matches every fill again; the next ones find it done.
    const stats_summary_cold_ms_100k = await pageLoad(client);
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) times.push(await pageLoad(client));
    times.sort((a, b) => a - b);
    const stats_summary_ms_100k = times[Math.floor(RUNS / 2)];
    report(
      'stats_summary_cold_ms_100k',
      stats_summary_cold_ms_100k,
      'ms',
      'the same calls, first after the fills changed (every fill read and matched again)',
    );
    report(
      'stats_summary_ms_100k',
      stats_summary_ms_100k,
      'ms',
      `${PAGE_CALLS.length} calls at once, ${FILLS} fills on ${BROKERS} brokers and ${ACTIVATIONS} activations, a year of hourly snapshots; median of ${RUNS}`,
    );

    // Where the time goes: each call alone.
    for (const route of PAGE_CALLS) {
      started = performance.now();
      const answer = await client.get(`/api/stats/${route}`).expect(200);
      const ms = (performance.now() - started).toFixed(0);
      process.stdout.write(`    ${route} alone: ${ms} ms, ${(answer.text.length / 1024).toFixed(0)} kB\n`);
    }

    const owners = await Promise.all(Array.from({ length: SNAPSHOT_BROKERS }, () => signedInClient(stack.app)));
    const brokerIds = await Promise.all(
      owners.map(async (owner) => {
        const row = await stack.app.db('brokers').where({ user_id: owner.user!.id, exchange: 'paper' }).first('id');
        await stack.app.db('paper_balances').insert({ broker_id: row.id, asset: 'BTC', free: '0.1' });
        return Number(row.id);
      }),
    );
    const deps = { db: stack.app.db, prices, logger: createLogger('silent', 'bench') };
    // The first valuation warms the broker workers and the price source; the measured one is the next hour's.
    await takeDueSnapshots(deps, Date.now() - HOUR, brokerIds);
    started = performance.now();
    const counts = await takeDueSnapshots(deps, Date.now(), brokerIds);
    const stats_snapshot_ms_per_broker = (performance.now() - started) / SNAPSHOT_BROKERS;
    if (counts.taken !== SNAPSHOT_BROKERS) throw new Error(`snapshots taken: ${JSON.stringify(counts)}`);
    report(
      'stats_snapshot_ms_per_broker',
      stats_snapshot_ms_per_broker,
      'ms',
      `${SNAPSHOT_BROKERS} paper brokers valued through the broker actor at the fake Binance's prices`,
    );
    save({ stats_summary_ms_100k, stats_summary_cold_ms_100k, stats_snapshot_ms_per_broker });
  } finally {
    await prices.close();
    await stack.close();
  }
}

void main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  },
);
