// The heartbeat against a fake Binance replaying XRP/ETH trades (real, or generated) on a manual clock: stored candles equal a plain
// group-by of the trades for every timeframe, each close is signalled and ticked once and on time, a dropped
// connection or a dead leader is repaired from the klines with nothing missing and nothing doubled, and garbage
// on the socket is skipped.
import { TIMEFRAME_MS, TIMEFRAMES, type Timeframe } from '../../core/candles/timeframes';
import { eventsChannel } from '../../core/realtime/publisher';
import { createRedis } from '../../core/redis';
import { heartbeatState } from '../../core/status';
import { jobIds } from '../../queues/jobs';
import { haveFixtures, skippedWithoutFixtures } from '../helpers/fixtures';
import { GRACE_MS, HeartbeatHarness, MINUTE, storedCandles, trim, until, xrpEthTrades } from '../helpers/heartbeat';
import { reference } from '../helpers/reference-candles';

const SYMBOL = 'XRP/ETH';

// On the real trades when the fixtures are there; without them the same suite runs on generated ones, and the
// check against the real market is reported as skipped.
if (!haveFixtures) skippedWithoutFixtures('heartbeat on real trades');
describe(`heartbeat on ${haveFixtures ? 'real' : 'generated'} trades`, () => {
  const trades = xrpEthTrades();
  // 2019-10-11 00:00 UTC: the first trade's minute, also a 4h boundary.
  const day = trades[0]!.T - (trades[0]!.T % TIMEFRAME_MS['4h']);
  let h: HeartbeatHarness;

  beforeEach(async () => {
    h = await new HeartbeatHarness(trades, day + 5_000).listen();
    await h.db('candles').where({ symbol: SYMBOL }).delete();
    await h.db('candles_heartbeat').where({ symbol: SYMBOL }).delete();
    await h.db('alerts').whereRaw(`details->>'symbol' = ?`, [SYMBOL]).delete();
  });
  afterEach(() => h.close());

  /** Every timeframe's stored candles from `day` up to `end` equal the group-by of the trades. */
  async function expectCandlesMatchReference(end: number) {
    for (const timeframe of TIMEFRAMES) {
      const expected = reference(trades, timeframe, end).map((c) => ({
        ...c,
        open: trim(c.open),
        high: trim(c.high),
        low: trim(c.low),
        close: trim(c.close),
      }));
      const stored = (await storedCandles(h.db, SYMBOL, timeframe)).map(({ backfilled: _, ...c }) => c);
      expect({ timeframe, candles: stored }).toEqual({ timeframe, candles: expected });
    }
  }

  function expectedCloses(from: number, end: number): { timeframe: Timeframe; openTime: number }[] {
    return TIMEFRAMES.flatMap((timeframe) => {
      const ms = TIMEFRAME_MS[timeframe];
      const closes = [];
      for (let open = Math.ceil(from / ms) * ms; open + ms <= end; open += ms)
        closes.push({ timeframe, openTime: open });
      return closes;
    });
  }

  it('closes every timeframe on the clock, equal to a group-by of the trades, signalled and ticked once', async () => {
    const subscriber = createRedis(process.env.REDIS_URL!);
    const published: string[] = [];
    await subscriber.subscribe(eventsChannel(h.prefix));
    subscriber.on('message', (_channel, message: string) => {
      const { event, payload } = JSON.parse(message) as {
        event: string;
        payload: { signals: { timeframe: string; candleTime: number }[] };
      };
      if (event === 'heartbeat:signals')
        published.push(...payload.signals.map((s) => `${s.timeframe}@${s.candleTime}`));
    });
    const actor = h.actor();
    await actor.start();
    await until(() => actor.isLeader && h.fake.connections() === 1);
    const end = day + 4 * 3_600_000 + 10 * MINUTE;
    await h.runMinutes(actor, day, end);

    await expectCandlesMatchReference(end);
    const volumes = await storedCandles(h.db, SYMBOL, '1m');
    expect(volumes.filter((c) => c.volume === '0').length).toBeGreaterThan(10);

    const closes = expectedCloses(day, end);
    expect(closes.length).toBe(431);
    const signals: { signal_type: string; candle_time: Date; received_at: Date; backfilled: boolean }[] = await h
      .db('candles_heartbeat')
      .where({ symbol: SYMBOL });
    expect(signals.map((s) => `${s.signal_type}@${s.candle_time.getTime()}`).sort()).toEqual(
      closes.map((c) => `${c.timeframe}@${c.openTime}`).sort(),
    );
    // Every close is stamped at its boundary plus the grace, not at the next trade (even the minute connected in,
    // which comes from the klines as soon as it is closed).
    for (const s of signals) {
      expect(s.received_at.getTime()).toBe(
        s.candle_time.getTime() + TIMEFRAME_MS[s.signal_type as Timeframe] + GRACE_MS,
      );
    }
    // Only the candles holding that first minute took something from the klines.
    const backfilled = signals.filter((s) => s.backfilled);
    expect(backfilled.map((s) => [s.signal_type, s.candle_time.getTime()]).sort()).toEqual(
      TIMEFRAMES.map((tf) => [tf, day]).sort(),
    );

    const ticks = [...new Set(closes.map((c) => jobIds.tick(c.timeframe, c.openTime + TIMEFRAME_MS[c.timeframe] - 1)))];
    expect(await h.tickIds()).toEqual(ticks.sort());
    await until(() => published.length >= closes.length);
    expect(published.sort()).toEqual(closes.map((c) => `${c.timeframe}@${c.openTime}`).sort());
    await subscriber.quit();
  });

  it('repairs a dropped connection from the klines: no missing candle, no duplicate, no stale tick', async () => {
    const actor = h.actor();
    await actor.start();
    await until(() => h.fake.connections() === 1);
    await h.runMinutes(actor, day, day + 30 * MINUTE);

    // A ten-minute outage: the market goes on, the client cannot get in.
    h.fake.refuse = true;
    h.fake.drop();
    await until(async () => !(await h.db('heartbeat_status').where({ id: actor.statusId }).first()).is_connected);
    await h.clock.advanceTo(day + 40 * MINUTE + 20_000, () => actor.idle());
    h.fake.refuse = false;
    await until(() => h.fake.connections() === 1 && actor.stats.connections === 2);
    const end = day + 2 * 3_600_000;
    h.fake.sendTrades(h.trades.filter((t) => t.T >= day + 40 * MINUTE + 20_000 && t.T < day + 41 * MINUTE));
    await h.runMinutes(actor, day + 41 * MINUTE, end);

    await expectCandlesMatchReference(end);
    const minutes = await storedCandles(h.db, SYMBOL, '1m');
    const backfilled = minutes.filter((c) => c.backfilled).map((c) => (c.openTime - day) / MINUTE);
    expect(backfilled).toEqual([0, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40]);
    // Closes from the outage older than the replay window are stored but never ticked.
    const ticks = await h.tickIds();
    expect(ticks).not.toContain(jobIds.tick('1m', day + 31 * MINUTE - 1));
    expect(ticks).toContain(jobIds.tick('1m', day + 40 * MINUTE - 1));
    expect(ticks).toContain(jobIds.tick('1m', day + 41 * MINUTE - 1));
    expect(await h.db('alerts').whereRaw(`details->>'symbol' = ?`, [SYMBOL]).whereNull('resolved_at')).toEqual([]);
  });

  it('with two heartbeats, one publishes; when it dies the standby takes over and each close is ticked once', async () => {
    const first = h.actor({ lockTtlMs: 1_000, replayMaxMs: 24 * 3_600_000 });
    const second = h.actor({ lockTtlMs: 1_000, replayMaxMs: 24 * 3_600_000 });
    await first.start();
    await second.start();
    await until(() => first.isLeader && h.fake.connections() === 1);
    await h.runMinutes(first, day, day + 20 * MINUTE);
    expect(second.isLeader).toBe(false);
    expect(h.fake.subscriptions).toHaveLength(1);

    await first.crash();
    await until(() => second.isLeader && h.fake.connections() === 1, 5_000);
    const end = day + 3_600_000;
    await h.runMinutes(second, day + 20 * MINUTE, end);

    await expectCandlesMatchReference(end);
    const closes = expectedCloses(day, end);
    const ticks = [...new Set(closes.map((c) => jobIds.tick(c.timeframe, c.openTime + TIMEFRAME_MS[c.timeframe] - 1)))];
    expect(await h.tickIds()).toEqual(ticks.sort());
    const counts = await h.db('candles_heartbeat').where({ symbol: SYMBOL }).count<{ count: string }[]>('* as count');
    expect(Number(counts[0]!.count)).toBe(closes.length);
  });

  it('raises "heartbeat non cohérent" when the history cannot be had, and clears it once repaired', async () => {
    const actor = h.actor();
    h.fake.failKlines = 3;
    await actor.start();
    await until(() => h.fake.connections() === 1);
    await h.runMinutes(actor, day, day + 6 * MINUTE);
    const state = await heartbeatState(h.db, createRedisOnce(), h.prefix);
    expect(state.coherent).toBe(false);
    const [alert] = await h.db('alerts').whereRaw(`details->>'symbol' = ?`, [SYMBOL]).whereNull('resolved_at');
    expect(alert).toMatchObject({
      kind: 'heartbeat_incoherent',
      message: expect.stringContaining('Historique XRP/ETH indisponible'),
    });
    // The first 5m candle lacks its first minute: not stored until the repair.
    expect(await storedCandles(h.db, SYMBOL, '5m')).toEqual([]);

    // Repaired, but the 4h candle it is inside of will lack its first minute: still incoherent until it closes.
    await actor.repairNow();
    await expectCandlesMatchReference(day + 6 * MINUTE);
    expect((await heartbeatState(h.db, createRedisOnce(), h.prefix)).coherent).toBe(false);

    await h.runMinutes(actor, day + 6 * MINUTE, day + 4 * 3_600_000 + MINUTE);
    expect(await storedCandles(h.db, SYMBOL, '4h')).toEqual([]);
    await actor.repairNow();
    await expectCandlesMatchReference(day + 4 * 3_600_000 + MINUTE);
    expect((await heartbeatState(h.db, createRedisOnce(), h.prefix)).coherent).toBe(true);
  });

  it('skips garbage from the socket and reconnects on serverShutdown', async () => {
    const actor = h.actor();
    await actor.start();
    await until(() => h.fake.connections() === 1);
    h.fake.sendRaw('not json');
    h.fake.sendRaw(
      JSON.stringify({ stream: 'xrpeth@trade', data: { e: 'trade', s: 'XRPETH', p: 'abc', q: '1', T: day } }),
    );
    h.fake.sendRaw(JSON.stringify({ stream: 'xrpeth@depth', data: { e: 'depthUpdate', s: 'XRPETH' } }));
    await until(() => actor.stats.messages === 3);
    expect(actor.stats).toMatchObject({ invalid: 2, unknown: 1, trades: 0 });
    await h.runMinutes(actor, day, day + 3 * MINUTE);
    await expectCandlesMatchReference(day + 3 * MINUTE);

    h.fake.sendRaw(JSON.stringify({ stream: '!serverShutdown', data: { e: 'serverShutdown', E: day } }));
    await until(() => actor.stats.connections === 2 && h.fake.connections() === 1);
  });

  it("follows an active strategy's Binance pair beside the configured ones, and stops once it is stopped", async () => {
    // A pair of its own: other suites' activations share the database.
    const pair = `F${process.pid}/USDT`;
    const username = `follow-${process.pid}-${day}`;
    const [user] = await h.db('users').insert({ username, username_key: username, password_hash: 'x' }).returning('id');
    const [strategy] = await h
      .db('strategies')
      .insert({ user_id: user.id, name: 's', timeframe: '1m', code: 'x' })
      .returning('id');
    const [broker] = await h.db('brokers').insert({ user_id: user.id, name: 'p', exchange: 'paper' }).returning('id');
    const [activation] = await h
      .db('active_strategies')
      .insert({
        user_id: user.id,
        strategy_id: strategy.id,
        broker_id: broker.id,
        symbol: pair,
        timeframe: '1m',
        start_date: new Date(day),
        end_date: new Date(day + 24 * 3_600_000),
      })
      .returning('id');
    try {
      const actor = h.actor({ followActivations: true, paperPriceSource: 'binance' });
      await actor.start();
      await until(() => h.fake.connections() === 1);
      // Other suites' activations may add their pairs: the configured one comes first, this one is among them.
      expect(actor.followed[0]).toBe(SYMBOL);
      expect(actor.followed).toContain(pair);
      expect(h.fake.subscriptions.at(-1)).toEqual(
        actor.followed.map((s) => `${s.replace('/', '').toLowerCase()}@trade`),
      );
      const status = await h.db('heartbeat_status').where({ id: actor.statusId }).first();
      expect(status.symbols_monitored).toEqual(actor.followed);
      // A trade named by Binance's id lands in the unified pair's aggregator, not among the unknown messages.
      h.fake.sendRaw(
        JSON.stringify({
          stream: `f${process.pid}usdt@trade`,
          data: { e: 'trade', s: `F${process.pid}USDT`, t: 1, p: '1.5', q: '2', T: day + 1, m: false },
        }),
      );
      await until(() => actor.stats.messages === 1);
      expect(actor.stats).toMatchObject({ trades: 1, unknown: 0 });

      await h.db('active_strategies').where({ id: activation.id }).update({ state: 'stopped' });
      await actor.refreshSymbols();
      expect(actor.followed).not.toContain(pair);
      await until(() => !h.fake.subscriptions.at(-1)?.includes(`f${process.pid}usdt@trade`));
      expect(h.fake.subscriptions.at(-1)?.[0]).toBe('xrpeth@trade');
    } finally {
      await h.db('users').where({ id: user.id }).delete();
    }
  });
});

const redisClients: ReturnType<typeof createRedis>[] = [];
function createRedisOnce() {
  const redis = createRedis(process.env.REDIS_URL!);
  redisClients.push(redis);
  return redis;
}
afterAll(async () => {
  await Promise.all(redisClients.map((r) => r.quit()));
});
