import type { Queue } from 'bullmq';
import type { Knex } from 'knex';
import type { StoredCandleRow } from '../../actors/heartbeat/candle-store';
import { HeartbeatActor, type HeartbeatSettings } from '../../actors/heartbeat/heartbeat.actor';
import { createDb } from '../../core/db/knex';
import { trimDecimal as trim } from '../../core/decimal';
import { createLogger } from '../../core/logger';
import { EventPublisher } from '../../core/realtime/publisher';
import { createRedis, type Redis } from '../../core/redis';
import { openQueue } from '../../queues/connection';
import { QUEUES } from '../../queues/names';
import { FakeBinance, type AggTradeEvent } from '../fakes/binance-server';
import { uniqueName } from './app';
import { ManualClock } from './manual-clock';

export const MINUTE = 60_000;
export const GRACE_MS = 1_000;

import { until } from './wait';

export { until };
export { xrpEthTrades } from './market-data';

/**
 * Heartbeat actors on the test database and Redis, reading a fake Binance that replays trades, all on one
 * manual clock. `runMinutes` plays the market minute by minute: sends the minute's trades, waits until the
 * connected actor has them, then moves the clock past the boundary and waits for the closes to be stored.
 */
export class HeartbeatHarness {
  readonly clock: ManualClock;
  readonly fake: FakeBinance;
  readonly db: Knex;
  readonly prefix: string;
  readonly tickQueue: Queue;
  readonly actors: HeartbeatActor[] = [];
  private readonly redises: Redis[] = [];
  private urls = { wsUrl: '', restUrl: '' };
  private sent = 0;

  constructor(
    readonly trades: AggTradeEvent[],
    readonly start: number,
    prefix = uniqueName('hb'),
  ) {
    this.prefix = prefix;
    this.clock = new ManualClock(start);
    this.fake = new FakeBinance(this.clock);
    this.fake.setMarket(trades);
    this.db = createDb(process.env.DATABASE_URL!, { min: 0, max: 5 }, { bindModels: false });
    this.tickQueue = openQueue(QUEUES.tick, process.env.REDIS_URL!, this.prefix);
  }

  async listen(): Promise<this> {
    this.urls = await this.fake.listen();
    return this;
  }

  actor(settings: Partial<HeartbeatSettings> = {}): HeartbeatActor {
    const redis = createRedis(process.env.REDIS_URL!);
    this.redises.push(redis);
    const actor = new HeartbeatActor({
      db: this.db,
      redis,
      publisher: new EventPublisher(redis, this.prefix),
      tickQueue: this.tickQueue,
      logger: createLogger('silent', 'test'),
      clock: this.clock,
      retryDelayMs: 10,
      settings: {
        wsUrl: this.urls.wsUrl,
        restUrl: this.urls.restUrl,
        symbols: ['XRP/ETH'],
        stream: 'trade',
        graceMs: GRACE_MS,
        replayMaxMs: 120_000,
        backfillMaxMs: 24 * 3_600_000,
        idleTimeoutMs: 60_000,
        lockTtlMs: 10_000,
        prefix: this.prefix,
        backoffBaseMs: 20,
        ...settings,
      },
    });
    this.actors.push(actor);
    return actor;
  }

  /** Trades of the minute starting at `minute`. */
  tradesOf(minute: number): AggTradeEvent[] {
    return this.trades.filter((t) => t.T >= minute && t.T < minute + MINUTE);
  }

  /** Plays the minutes [from, to) live to `reader`, closing each on the clock. */
  async runMinutes(reader: HeartbeatActor, from: number, to: number): Promise<void> {
    for (let minute = from; minute < to; minute += MINUTE) {
      const trades = this.tradesOf(minute);
      const target = reader.stats.trades + trades.length;
      this.fake.sendTrades(trades);
      this.sent += trades.length;
      await until(() => reader.stats.trades === target);
      await this.clock.advanceTo(minute + MINUTE + GRACE_MS, () => reader.idle());
      await reader.idle();
    }
  }

  async tickIds(): Promise<string[]> {
    const jobs = await this.tickQueue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
    return jobs.map((job) => job.id!).sort();
  }

  async close(): Promise<void> {
    for (const actor of this.actors) await actor.stop().catch(() => undefined);
    await this.fake.close();
    await this.tickQueue.obliterate({ force: true });
    await this.tickQueue.close();
    await Promise.all(this.redises.map((r) => r.quit()));
    await this.db.destroy();
  }
}

/** Candles as stored, with numeric strings trimmed of trailing zeros for comparison with the exchange's strings. */
export async function storedCandles(db: Knex, symbol: string, timeframe: string) {
  const rows: StoredCandleRow[] = await db('candles')
    .where({ source: 'binance', symbol, timeframe })
    .orderBy('open_time');
  return rows.map((r) => ({
    openTime: r.open_time.getTime(),
    open: trim(r.open),
    high: trim(r.high),
    low: trim(r.low),
    close: trim(r.close),
    volume: trim(r.volume),
    backfilled: r.backfilled,
  }));
}

export { trimDecimal as trim } from '../../core/decimal';
