// Live strategies on an exchange the heartbeat does not stream (it follows Binance): the evaluation fetches the
// closed candles it lacks from that exchange's public API through ccxt, stores them under the market's key, and
// decides on them. binanceus (ccxt's real class, Binance's protocol) is pointed at the fake Binance.
import { btcHourlyCandles } from '../helpers/market-data';
import { HOLD, activation, evaluatedOnTick, loadMarkets, savedStrategy, startLiveWorkers } from '../helpers/live';
import { paperBrokerOf, signedInClient, startTradingStack } from '../helpers/trading';
import { until } from '../helpers/wait';

const H = 3_600_000;

describe('live trading on an exchange the heartbeat does not stream', () => {
  let stack: Awaited<ReturnType<typeof startTradingStack>>;
  let live: Awaited<ReturnType<typeof startLiveWorkers>>;
  let now = 0;

  beforeAll(async () => {
    // Paper brokers trade on binanceus's prices: their markets are binanceus's.
    stack = await startTradingStack({ PAPER_PRICE_SOURCE: 'binanceus' });
    live = await startLiveWorkers(stack.app, { now: () => now });
    // Only this suite stores binanceus candles: what an earlier run against the same database left would stand in
    // for the ones it asks the exchange for.
    await stack.app.db('candles').where({ source: 'binanceus' }).delete();
    await loadMarkets(stack.app, 'binanceus');
  });
  afterAll(async () => {
    await live.close();
    await stack.close();
  });

  async function evaluateClose(activationId: number, open: number): Promise<string> {
    const closeTime = open + H - 1;
    now = closeTime + 1 + 500;
    return evaluatedOnTick(live, activationId, closeTime);
  }

  /** A new user's paper broker running `code` on the market for 100 hours from `from`; its activation's id. */
  async function activated(code: string, from: number, extra: Record<string, unknown> = {}): Promise<number> {
    const client = await signedInClient(stack.app);
    const brokerId = await paperBrokerOf(client);
    const strategyId = await savedStrategy(client, code);
    return activation(stack.app, { userId: client.user!.id, strategyId, brokerId, from, to: from + 100 * H, ...extra });
  }

  const stored = (from: number, to: number) =>
    stack.app
      .db('candles')
      .where({ source: 'binanceus', symbol: 'BTC/USDT', timeframe: '1h' })
      .where('open_time', '>=', new Date(from))
      .where('open_time', '<', new Date(to))
      .orderBy('open_time')
      .pluck('open_time');

  it('fetches the closed candles it lacks, stores them under the market, never the forming one, and decides on them', async () => {
    const rows = btcHourlyCandles(36_500, 36_531);
    const closed = rows.slice(0, 30);
    const forming = rows[30]!;
    // The exchange answers the candles up to the one forming now, as Binance does.
    stack.fake.history.set('BTCUSDT:1h', rows);
    stack.fake.setPrice('BTCUSDT', String(closed.at(-1)![4]));
    const from = closed[0]![0];
    const id = await activated(HOLD, from);

    // The hourly candles asked for: the minute check asks for other positions' minutes meanwhile.
    const from0 = stack.fake.requests.length;
    const hourly = () =>
      stack.fake.requests
        .slice(from0)
        .filter(
          (r) => r.path === '/api/v3/klines' && r.query.get('interval') === '1h' && r.query.get('symbol') === 'BTCUSDT',
        )
        .map((r) => Number(r.query.get('startTime')));
    expect(await evaluateClose(id, closed.at(-1)![0])).toBe('traded');
    expect((await stored(from, from + 100 * H)).map((t: Date) => t.getTime())).toEqual(closed.map((r) => r[0]));
    expect(hourly()).toHaveLength(1);
    const position = await stack.app.db('positions').where({ active_strategy_id: id, status: 'open' }).first();
    expect(new Date(position.opened_at).getTime()).toBe(forming[0]);

    // The next close: only the candle that just closed is asked for.
    const next = btcHourlyCandles(36_531, 36_533);
    stack.fake.history.set('BTCUSDT:1h', [...rows, next[1]!]);
    expect(await evaluateClose(id, forming[0])).toBe('none');
    expect((await stored(from, from + 100 * H)).map((t: Date) => t.getTime())).toEqual(
      [...closed, forming].map((r) => r[0]),
    );
    expect(hourly().slice(1)).toEqual([forming[0]]);
    const candle = await stack.app
      .db('candles')
      .where({ source: 'binanceus', symbol: 'BTC/USDT', timeframe: '1h', open_time: new Date(forming[0]) })
      .first();
    expect(Number(candle.close)).toBe(forming[4]);
  });

  it("checks the stop-loss on that exchange's 1m candles, asked of it every minute", async () => {
    // On ETH/USDT (Bitcoin's prices): BTC/USDT's minutes are the other tests'.
    const rows = btcHourlyCandles(36_700, 36_705);
    const price = rows[3]![4];
    stack.fake.history.set('ETHUSDT:1h', rows);
    stack.fake.setPrice('ETHUSDT', String(price));
    // The exchange's last minutes: one quiet, then one whose low wicks far through any 1 % stop.
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    stack.fake.history.set('ETHUSDT:1m', [
      [minute - 3 * 60_000, price, price * 1.001, price * 0.999, price, 1],
      [minute - 2 * 60_000, price, price * 1.001, price * 0.9, price * 0.95, 1],
    ]);
    const stopped = HOLD.replace('shouldLong()', 'calculateStopLoss() { return 0.01; }\n  shouldLong()');
    const id = await activated(stopped, rows[0]![0], { symbol: 'ETH/USDT' });
    expect(await evaluateClose(id, rows[3]![0])).toBe('traded');
    const position = await stack.app.db('positions').where({ active_strategy_id: id, status: 'open' }).first();
    expect(Number(position.stop_loss)).toBeGreaterThan(price * 0.95);
    // The check runs every minute; asked now rather than waiting for it.
    await live.strategyQueue.add('protect', {}, { jobId: `protect-pulled-${id}` });
    const closed = await until(async () => {
      const row = await stack.app.db('positions').where({ id: position.id }).first();
      return row.status === 'closed' ? row : undefined;
    });
    expect(closed.exit_reason).toBe('stop_loss');
    const minutes = await stack.app.db('candles').where({ source: 'binanceus', symbol: 'ETH/USDT', timeframe: '1m' });
    expect(minutes.map((m: { open_time: Date }) => m.open_time.getTime())).toEqual(
      expect.arrayContaining([minute - 3 * 60_000, minute - 2 * 60_000]),
    );
  });

  it('records the close as missing when the exchange has not published it', async () => {
    const rows = btcHourlyCandles(36_600, 36_605);
    stack.fake.history.set('BTCUSDT:1h', rows.slice(0, 3));
    const id = await activated(HOLD, rows[0]![0]);
    expect(await evaluateClose(id, rows[4]![0])).toBe('failed');
    const row = await stack.app.db('active_strategies').where({ id }).first();
    expect(row.last_error).toMatch(/^La bougie 1h close à .* est absente/);
    expect(await stack.app.db('trades').where({ active_strategy_id: id })).toHaveLength(0);
  });
});
