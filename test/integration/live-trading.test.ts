// Live trading on the paper exchange: the dispatcher turns ticks into evaluations, the strategy actor decides in the
// sandbox on the stored candles and orders through the broker actor, positions and P&L are written from the fills.
// The parity test replays closes through the live path and runs the same candles through a backtest: the same
// entries and exits come out (times, sides, quantities within the step, reasons).
import { simulate } from '../../core/backtest/engine';
import { sizingOf } from '../../core/engine/sizing';
import { COLUMNS, StrategyRunner, type CandleColumns } from '../../core/sandbox/strategy-runner';
import { liveLimits } from '../../core/sandbox/limits';
import { jobIds } from '../../queues/jobs';
import { queueClose, queueEvaluate } from '../../queues/strategy-jobs';
import { closePosition } from '../../actors/strategy/position-exits';
import { btcHourlyCandles } from '../helpers/market-data';
import {
  HOLD,
  activation,
  evaluatedOnTick,
  loadMarkets,
  savedStrategy,
  startLiveWorkers,
  storeRows,
} from '../helpers/live';
import { paperBrokerOf, signedInClient, startTradingStack } from '../helpers/trading';
import { until } from '../helpers/wait';

const H = 3_600_000;
const KEY = { source: 'binance', symbol: 'BTC/USDT', timeframe: '1h' };

/** Long on a green candle, out (spot) on a red one; half the free balance; no stop, no target unless asked. */
const flip = (stop = 0, target = 0) => `class Flip extends Strategy {
  shouldLong() { return this.candles.close.at(-1) > this.candles.open.at(-1); }
  shouldShort() { return this.candles.close.at(-1) < this.candles.open.at(-1); }
  calculatePositionSize() { return this.balance * 0.5; }
  calculateStopLoss() { return ${stop}; }
  calculateTakeProfit() { return ${target}; }
}`;

describe('live trading', () => {
  let stack: Awaited<ReturnType<typeof startTradingStack>>;
  let live: Awaited<ReturnType<typeof startLiveWorkers>>;
  let now = 0;

  beforeAll(async () => {
    stack = await startTradingStack();
    live = await startLiveWorkers(stack.app, { now: () => now });
    await loadMarkets(stack.app, 'binance');
  });
  afterAll(async () => {
    await live.close();
    await stack.close();
  });

  /** The close of candle `row` reaches the dispatcher as the heartbeat ticks it; resolves once evaluated. */
  async function replayClose(activationId: number, row: number[]): Promise<string> {
    const closeTime = row[0] + H - 1;
    now = closeTime + 1 + 500;
    stack.fake.setPrice('BTCUSDT', String(row[4]));
    return evaluatedOnTick(live, activationId, closeTime);
  }

  async function user() {
    const client = await signedInClient(stack.app);
    const brokerId = await paperBrokerOf(client);
    return { client, brokerId, userId: client.user!.id };
  }

  /** The candles stored, and a new user's Flip strategy active on them from the first to the last. */
  async function flipOn(rows: number[][]) {
    await storeRows(stack.app, rows, KEY, H);
    const { client, brokerId, userId } = await user();
    const strategyId = await savedStrategy(client, flip());
    const id = await activation(stack.app, { userId, strategyId, brokerId, from: rows[0][0], to: rows.at(-1)![0] + H });
    return { client, brokerId, strategyId, id };
  }

  /** The candles stored, and a new user's Hold strategy with its paper broker, ready to activate on them. */
  async function holdOn(rows: number[][]) {
    await storeRows(stack.app, rows, KEY, H);
    const { client, brokerId, userId } = await user();
    return { userId, brokerId, strategyId: await savedStrategy(client, HOLD) };
  }

  it('enters and exits as the backtest does on the same candles (parity)', async () => {
    const rows = btcHourlyCandles(36_000, 36_048);
    await storeRows(stack.app, rows, KEY, H);
    const { client, brokerId, userId } = await user();
    const code = flip();
    const strategyId = await savedStrategy(client, code);
    const id = await activation(stack.app, { userId, strategyId, brokerId, from: rows[0][0], to: rows.at(-1)![0] + H });
    for (const row of rows) await replayClose(id, row);

    const market = await stack.app.db('exchange_symbols').where({ exchange: 'binance', symbol: 'BTC/USDT' }).first();
    const columns = Object.fromEntries(COLUMNS.map((c) => [c, new Float64Array(rows.length)])) as CandleColumns;
    rows.forEach(([t, o, h, l, c, v], i) => {
      columns.time[i] = t;
      columns.open[i] = o;
      columns.high[i] = h;
      columns.low[i] = l;
      columns.close[i] = c;
      columns.volume[i] = v;
    });
    const runner = StrategyRunner.create(code, liveLimits(stack.app.config));
    runner.load(columns);
    const rules = { amountStep: market.amount_precision, minAmount: market.min_amount, minCost: market.min_cost };
    const backtest = await simulate(
      runner,
      columns,
      {
        initialAmount: stack.app.config.PAPER_STARTING_BALANCE_USDT,
        fee: market.taker_fee,
        slippage: stack.app.config.PAPER_SLIPPAGE,
        fill: 'close',
        market: 'spot',
        timeframeMs: H,
        marketRules: rules,
      },
      { checkpoint: () => false },
    );
    runner.dispose();

    const positions = await stack.app.db('positions').where({ active_strategy_id: id }).orderBy('opened_at');
    const closed = backtest.trades.filter((t) => t.exitReason !== 'end');
    expect(closed.length).toBeGreaterThan(3);
    const step = sizingOf(rules).step;
    expect(positions.filter((p) => p.status === 'closed')).toHaveLength(closed.length);
    closed.forEach((trade, k) => {
      const p = positions[k];
      expect({ side: p.side, entry: new Date(p.opened_at).getTime(), exit: new Date(p.closed_at).getTime() }).toEqual({
        side: trade.side,
        entry: trade.entryTime,
        exit: trade.exitTime,
      });
      expect(p.exit_reason).toBe(trade.exitReason);
      expect(Math.abs(Number(p.quantity) - trade.quantity)).toBeLessThanOrEqual(step);
      expect(Number(p.realized_pnl)).toBeCloseTo(trade.pnl, 0);
    });
    // The backtest closes at the end of the data what live still holds.
    const last = backtest.trades.at(-1)!;
    const open = positions.filter((p) => p.status === 'open');
    expect(open.map((p) => new Date(p.opened_at).getTime())).toEqual(last.exitReason === 'end' ? [last.entryTime] : []);
    // Each closing trade carries the round trip's realised P&L.
    const exits = await stack.app.db('trades').whereIn('id', positions.map((p) => p.exit_trade_id).filter(Boolean));
    expect(exits.map((t) => t.profit_loss).sort()).toEqual(
      positions
        .filter((p) => p.status === 'closed')
        .map((p) => p.realized_pnl)
        .sort(),
    );
  });

  it('evaluates a close once however often it is ticked, and never goes back to an older close', async () => {
    const rows = btcHourlyCandles(36_100, 36_104);
    const { id } = await flipOn(rows);
    const green = rows.findIndex(([, o, , , c]) => c > o);
    await replayClose(id, rows[green]);
    // The same close again (a replayed signal, a sweep): its job is found done, no second order.
    await live.tickQueue.add('tick', { timeframe: '1h', closeTime: rows[green][0] + H - 1 }, { jobId: 'again-1' });
    await live.deps.db.raw('select pg_sleep(0.3)');
    const trades = await stack.app.db('trades').where({ active_strategy_id: id });
    expect(trades).toHaveLength(1);
    expect(trades[0].client_order_id).toBeTruthy();
    if (green > 0) {
      expect(await replayClose(id, rows[green - 1])).toBe('skipped');
      expect(await stack.app.db('trades').where({ active_strategy_id: id })).toHaveLength(1);
    }
  });

  it('sells the open position once however many times it is asked', async () => {
    const rows = btcHourlyCandles(36_200, 36_210);
    const { client, brokerId, strategyId, id } = await flipOn(rows);
    const green = rows.findIndex(([, o, , , c]) => c > o);
    await replayClose(id, rows[green]);
    const position = await stack.app.db('positions').where({ active_strategy_id: id, status: 'open' }).first();
    expect(position).toBeTruthy();
    // Deleting the strategy or the broker would leave the position with nothing to close it.
    expect((await client.send('delete', `/api/strategies/${strategyId}`)).body.error.code).toBe('POSITION_OPEN');
    expect((await client.send('delete', `/api/brokers/${brokerId}`)).body.error.code).toBe('POSITION_OPEN');
    const first = await queueClose(live.strategyQueue, id, position.id, 'sell');
    const second = await queueClose(live.strategyQueue, id, position.id, 'sell');
    expect(second).toBe(first);
    const closed = await until(async () => {
      const row = await stack.app.db('positions').where({ id: position.id }).first();
      return row.status === 'closed' ? row : undefined;
    });
    expect(closed.exit_reason).toBe('sell');
    const sells = await stack.app.db('trades').where({ active_strategy_id: id, side: 'sell' });
    expect(sells).toHaveLength(1);
    expect(sells[0].profit_loss).toBe(closed.realized_pnl);
    expect((await stack.app.db('active_strategies').where({ id }).first()).state).toBe('active');
  });

  it('adopts a filled entry that no position records instead of buying a second time', async () => {
    const rows = btcHourlyCandles(36_300, 36_360);
    const { id } = await flipOn(rows);
    // Two green candles in a row: the first enters, the second would enter again if the bot forgot its position.
    const green = (r: number[]) => r[4] > r[1];
    const k = rows.findIndex((r, i) => i + 1 < rows.length && green(r) && green(rows[i + 1]));
    expect(k).toBeGreaterThanOrEqual(0);
    await replayClose(id, rows[k]);
    const [buy] = await stack.app.db('trades').where({ active_strategy_id: id, side: 'buy' });
    // The evaluation that placed the order ran out of attempts before writing its position: the fill is all there is.
    const lost = await stack.app.db('positions').where({ active_strategy_id: id }).first();
    await stack.app.db('positions').where({ id: lost.id }).delete();

    await replayClose(id, rows[k + 1]);
    const buys = await stack.app.db('trades').where({ active_strategy_id: id, side: 'buy' });
    expect(buys.map((t) => t.id)).toEqual([buy.id]);
    const adopted = await stack.app.db('positions').where({ active_strategy_id: id, status: 'open' }).first();
    expect(adopted).toMatchObject({ entry_trade_id: buy.id, side: 'long', quantity: lost.quantity });
    expect(adopted.entry_price).toBe(lost.entry_price);
  });

  it('tries a refused close again as a new order, and closes once', async () => {
    const rows = btcHourlyCandles(36_250, 36_260);
    const { id } = await flipOn(rows);
    const green = rows.findIndex(([, o, , , c]) => c > o);
    await replayClose(id, rows[green]);
    const position = await stack.app.db('positions').where({ active_strategy_id: id, status: 'open' }).first();
    // More than the account holds: the exchange refuses the sell, the position stays open.
    await stack.app.db('positions').where({ id: position.id }).update({ quantity: '1000' });
    expect(await closePosition(live.deps, id, position.id, 'sell')).toBe(false);
    await stack.app.db('positions').where({ id: position.id }).update({ quantity: position.quantity });
    expect(await closePosition(live.deps, id, position.id, 'stop_loss')).toBe(true);
    const sells = await stack.app.db('trades').where({ active_strategy_id: id, side: 'sell' }).orderBy('id');
    expect(sells.map((t) => t.status)).toEqual(['rejected', 'closed']);
    // Asked again once closed: nothing more is sold.
    expect(await closePosition(live.deps, id, position.id, 'sell')).toBe(false);
    expect(await stack.app.db('trades').where({ active_strategy_id: id, side: 'sell' })).toHaveLength(2);
  });

  it('closes at the stop-loss when a 1m wick touches it', async () => {
    const rows = btcHourlyCandles(36_300, 36_310);
    await storeRows(stack.app, rows, KEY, H);
    const { client, brokerId, userId } = await user();
    const strategyId = await savedStrategy(client, flip(0.01, 0.5));
    const id = await activation(stack.app, {
      userId,
      strategyId,
      brokerId,
      from: rows[0][0],
      to: rows.at(-1)![0] + 10 * H,
    });
    const green = rows.findIndex(([, o, , , c]) => c > o);
    await replayClose(id, rows[green]);
    const position = await stack.app.db('positions').where({ active_strategy_id: id, status: 'open' }).first();
    const stop = Number(position.stop_loss);
    expect(stop).toBeCloseTo(Number(position.entry_price) * 0.99, 6);
    // The next minutes: one above the stop, then one whose low wicks through it.
    const t0 = rows[green][0] + H;
    const minutes = [
      [t0, stop * 1.005, stop * 1.006, stop * 1.001, stop * 1.004, 1],
      [t0 + 60_000, stop * 1.004, stop * 1.005, stop * 0.998, stop * 1.003, 1],
    ];
    await storeRows(stack.app, minutes, { ...KEY, timeframe: '1m' }, 60_000);
    stack.fake.setPrice('BTCUSDT', String(stop * 1.003));
    await live.strategyQueue.add('protect', {}, { jobId: `protect-test-${id}` });
    const closed = await until(async () => {
      const row = await stack.app.db('positions').where({ id: position.id }).first();
      return row.status === 'closed' ? row : undefined;
    });
    expect(closed.exit_reason).toBe('stop_loss');
  });

  it('closes what is open on the close that ends the period, as the backtest closes its last trade, and enters nothing on it', async () => {
    const rows = btcHourlyCandles(36_320, 36_323);
    const owner = await holdOn(rows);
    const end = rows.at(-1)![0] + H;
    const period = { ...owner, to: end, close_at_end: true };
    const id = await activation(stack.app, { ...period, from: rows[0][0] });
    // Flat on the close that ends its period: a strategy that enters on every close does not enter on that one.
    const lastOnly = await activation(stack.app, { ...period, from: rows.at(-1)![0] });
    for (const row of rows) await replayClose(id, row);
    const positions = await stack.app.db('positions').where({ active_strategy_id: id }).orderBy('id');
    expect(positions).toHaveLength(1);
    expect(positions[0]).toMatchObject({ status: 'closed', exit_reason: 'end' });
    expect(new Date(positions[0].opened_at).getTime()).toBe(rows[0][0] + H);
    expect(new Date(positions[0].closed_at).getTime()).toBe(end);
    expect(await stack.app.db('trades').where({ active_strategy_id: id })).toHaveLength(2);
    const job = await until(async () => {
      const found = await live.strategyQueue.getJob(jobIds.evaluate(lastOnly, end - 1));
      return found?.finishedOn ? found : undefined;
    });
    expect(job.returnvalue).toBe('none');
    expect(await stack.app.db('trades').where({ active_strategy_id: lastOnly })).toHaveLength(0);
  });

  it('closes, once its end has passed between two closes, the position of an activation that asks it, and only those', async () => {
    const rows = btcHourlyCandles(36_330, 36_333);
    const owner = await holdOn(rows);
    // The end falls half-way through the third candle: its close is not evaluated.
    const end = rows[2][0] + H / 2;
    const closing = await activation(stack.app, { ...owner, from: rows[0][0], to: end, close_at_end: true });
    const keeping = await activation(stack.app, { ...owner, from: rows[0][0], to: end, close_at_end: false });
    for (const row of rows.slice(0, 2)) {
      await replayClose(closing, row);
      await replayClose(keeping, row);
    }
    expect(
      await stack.app.db('positions').whereIn('active_strategy_id', [closing, keeping]).where({ status: 'open' }),
    ).toHaveLength(2);
    await live.strategyQueue.add('protect', {}, { jobId: `protect-end-test-${closing}` });
    const closed = await until(async () => {
      const row = await stack.app.db('positions').where({ active_strategy_id: closing }).first();
      return row.status === 'closed' ? row : undefined;
    });
    expect(closed.exit_reason).toBe('end');
    await live.strategyQueue.add('protect', {}, { jobId: `protect-end-test-again-${closing}` });
    await until(async () => (await live.strategyQueue.getJob(`protect-end-test-again-${closing}`))?.finishedOn);
    expect(await stack.app.db('positions').where({ active_strategy_id: keeping }).first()).toMatchObject({
      status: 'open',
    });
    // Closed once: the entry and one exit.
    expect(await stack.app.db('trades').where({ active_strategy_id: closing }).count({ n: '*' })).toEqual([{ n: 2 }]);
  });

  it('enters nothing on a close evaluated once the end has passed, when the activation closes at its end', async () => {
    const rows = btcHourlyCandles(36_340, 36_342);
    const owner = await holdOn(rows);
    const end = rows[1][0] + H / 2;
    const id = await activation(stack.app, { ...owner, from: rows[0][0], to: end, close_at_end: true });
    // The first close is evaluated late, after the end (a retried job): the end's close would sell at once.
    const closeTime = rows[0][0] + H - 1;
    now = end + 1000;
    stack.fake.setPrice('BTCUSDT', String(rows[0][4]));
    await queueEvaluate(live.strategyQueue, { activeStrategyId: id, closeTime });
    const job = await until(async () => {
      const found = await live.strategyQueue.getJob(jobIds.evaluate(id, closeTime));
      return found?.finishedOn ? found : undefined;
    });
    expect(job.returnvalue).toBe('none');
    expect(await stack.app.db('trades').where({ active_strategy_id: id })).toHaveLength(0);
  });

  it('records a failing strategy on its activation and suspends it after three errors in a row', async () => {
    const rows = btcHourlyCandles(36_400, 36_404);
    await storeRows(stack.app, rows, KEY, H);
    const { client, brokerId, userId } = await user();
    const strategyId = await savedStrategy(client, flip());
    await stack.app.db('strategies').where({ id: strategyId }).update({
      code: 'class Boom extends Strategy { shouldLong() { throw new Error("boum"); } }',
    });
    const id = await activation(stack.app, { userId, strategyId, brokerId, from: rows[0][0], to: rows.at(-1)![0] + H });
    for (const row of rows.slice(0, 3)) expect(await replayClose(id, row)).toBe('failed');
    const row = await stack.app.db('active_strategies').where({ id }).first();
    expect(row).toMatchObject({ state: 'suspended', suspended_by: 'errors', error_count: 3 });
    expect(row.last_error).toContain('boum');
    const alert = await stack.app.db('alerts').where({ user_id: userId, kind: 'strategy_suspended' }).first();
    expect(alert.message).toContain('boum');
    // Suspended: the next close is not evaluated.
    const next = rows[3][0] + H - 1;
    now = next + 1;
    const tick = await live.tickQueue.add(
      'tick',
      { timeframe: '1h', closeTime: next },
      { jobId: jobIds.tick('1h', next) },
    );
    await until(async () => (await live.tickQueue.getJob(tick.id!))?.finishedOn);
    expect(await live.strategyQueue.getJob(jobIds.evaluate(id, next))).toBeUndefined();
  });

  it('dispatches only the active, in-range activations of the timeframe, and no tick past the replay window', async () => {
    const rows = btcHourlyCandles(36_500, 36_502);
    await storeRows(stack.app, rows, KEY, H);
    const { client, brokerId, userId } = await user();
    const strategyId = await savedStrategy(client, flip());
    const closeTime = rows[1][0] + H - 1;
    const base = { userId, strategyId, brokerId, from: rows[0][0], to: closeTime + H };
    const inRange = await activation(stack.app, base);
    const suspended = await activation(stack.app, { ...base, state: 'suspended', suspended_by: 'user' });
    const ended = await activation(stack.app, { ...base, to: closeTime - H });
    const other = await activation(stack.app, { ...base, timeframe: '4h' });
    expect(await replayClose(inRange, rows[1])).toBeDefined();
    for (const id of [suspended, ended, other]) {
      expect(await live.strategyQueue.getJob(jobIds.evaluate(id, closeTime))).toBeUndefined();
    }
    // A tick learnt of far too late is dropped.
    const late = rows[0][0] + H - 1;
    now = late + 1 + stack.app.config.HEARTBEAT_REPLAY_MAX_SECONDS * 1000 + 1;
    const tick = await live.tickQueue.add(
      'tick',
      { timeframe: '1h', closeTime: late },
      { jobId: jobIds.tick('1h', late) },
    );
    await until(async () => (await live.tickQueue.getJob(tick.id!))?.finishedOn);
    expect(await live.strategyQueue.getJob(jobIds.evaluate(inRange, late))).toBeUndefined();
  });
});
