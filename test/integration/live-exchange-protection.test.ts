// Stop-loss and take-profit resting at the exchange: an activation that asks for it gets, on each long spot entry, an
// OCO order list at Binance (a LIMIT_MAKER at the target, a STOP_LOSS_LIMIT at the stop) through ccxt's real class
// against the fake Binance. The minute check asks the exchange about the legs and closes the position from the one
// that filled; any other exit cancels the list first; a refused protection leaves the levels to the bot's own check.
import { protectionIds } from '../../actors/broker/protection-orders';
import { placeProtection } from '../../actors/strategy/exchange-protection';
import { orderKeys } from '../../queues/jobs';
import { BinanceReject } from '../fakes/binance-orders';
import { btcHourlyCandles } from '../helpers/market-data';
import { activation, evaluatedOnTick, loadMarkets, savedStrategy, startLiveWorkers, storeRows } from '../helpers/live';
import { binanceBroker, paperBrokerOf, signedInClient, startTradingStack } from '../helpers/trading';
import { until } from '../helpers/wait';

const H = 3_600_000;
// A market no other suite stores candles of: the minute checks read every 1m candle since a position's last check.
const KEY = { source: 'binance', symbol: 'BNB/USDT', timeframe: '1h' };
const PAIR = 'BNBUSDT';

/** Real BTC/USDT hours, at a hundredth of their prices on BNB/USDT's 0.1 tick. */
const hours = (from: number, to: number) =>
  btcHourlyCandles(from, to).map(([t, ...prices]) => [
    t!,
    ...prices.slice(0, 4).map((p) => Math.round(p! * 0.1) / 10),
    prices[4]!,
  ]);

/** Long on a green candle, out on a red one, a twentieth of the balance, with a stop and a target. */
const flip = (stop: number, target: number) => `class Flip extends Strategy {
  shouldLong() { return this.candles.close.at(-1) > this.candles.open.at(-1); }
  shouldShort() { return this.candles.close.at(-1) < this.candles.open.at(-1); }
  calculatePositionSize() { return this.balance * 0.05; }
  calculateStopLoss() { return ${stop}; }
  calculateTakeProfit() { return ${target}; }
}`;

const tick = (price: number, up: boolean) => (Math[up ? 'ceil' : 'floor'](price * 10) / 10).toFixed(1);

describe('stop-loss and take-profit at the exchange', () => {
  let stack: Awaited<ReturnType<typeof startTradingStack>>;
  let live: Awaited<ReturnType<typeof startLiveWorkers>>;
  let now = 0;
  let checks = 0;

  beforeAll(async () => {
    stack = await startTradingStack();
    live = await startLiveWorkers(stack.app, { now: () => now });
    await loadMarkets(stack.app, 'binance');
    // What an earlier run against the same database left would hit these positions' stops early.
    await stack.app.db('candles').where({ source: KEY.source, symbol: KEY.symbol }).delete();
  });
  afterAll(async () => {
    await live.close();
    await stack.close();
  });

  async function replayClose(activationId: number, row: number[]): Promise<string> {
    const closeTime = row[0] + H - 1;
    now = closeTime + 1 + 500;
    stack.fake.setPrice(PAIR, String(row[4]));
    return evaluatedOnTick(live, activationId, closeTime);
  }

  /** The minute check, run now; resolves once it has finished. */
  async function minuteCheck(): Promise<void> {
    const jobId = `protect-exchange-test-${checks++}`;
    await live.strategyQueue.add('protect', {}, { jobId });
    await until(async () => (await live.strategyQueue.getJob(jobId))?.finishedOn);
  }

  /** The market falls to `price` in the minute after the entry (the fake's price and a 1m candle), then the check. */
  async function fallAfterEntry(rows: number[][], green: number, price: number): Promise<void> {
    stack.fake.setPrice(PAIR, tick(price, false));
    await storeRows(
      stack.app,
      [[rows[green]![0] + H, price * 1.01, price * 1.01, price * 0.999, price, 1]],
      { ...KEY, timeframe: '1m' },
      60_000,
    );
    await minuteCheck();
  }

  /** A new user's Flip on `rows` with protection at the exchange, entered on the first green close. */
  async function enteredAtGreen(rows: number[][], stop: number, target: number, paper = false) {
    await storeRows(stack.app, rows, KEY, H);
    const client = await signedInClient(stack.app);
    const brokerId = paper ? await paperBrokerOf(client) : await binanceBroker(client);
    const strategyId = await savedStrategy(client, flip(stop, target));
    const id = await activation(stack.app, {
      userId: client.user!.id,
      strategyId,
      brokerId,
      from: rows[0]![0],
      to: rows.at(-1)![0] + 10 * H,
      symbol: KEY.symbol,
      protection: 'exchange',
    });
    const green = rows.findIndex(([, o, , , c]) => c! > o!);
    expect(await replayClose(id, rows[green]!)).toBe('traded');
    const position = await stack.app.db('positions').where({ active_strategy_id: id, status: 'open' }).first();
    const legs = () => stack.app.db('trades').where({ protects_position_id: position.id }).orderBy('type');
    return { client, id, green, position, legs };
  }

  /** Market sells an activation asked for, sent or refused (the suite's other activations trade on the same closes). */
  const marketSells = async (activationId: number) =>
    Number(
      (
        await stack.app
          .db('trades')
          .where({ active_strategy_id: activationId, type: 'market', side: 'sell' })
          .count({ n: '*' })
          .first()
      )?.n,
    );

  /** The order-list requests of one position's protection (other suites' and earlier runs' positions aside). */
  const listRequests = (activationId: number, positionId: number) =>
    stack.fake.requests.filter(
      (r) =>
        r.path === '/api/v3/orderList/oco' &&
        r.params?.get('listClientOrderId') === protectionIds(orderKeys.protection(activationId, positionId)).list,
    ).length;

  it('rests an OCO list at the exchange on entry and closes the position from the target leg that filled there', async () => {
    const rows = hours(36_400, 36_420);
    const { client, id, position, legs } = await enteredAtGreen(rows, 0.05, 0.03);
    const entry = Number(position.entry_price);
    const [target, stop] = await legs();
    // The stop rounded up and the target down to Binance's tick, so neither is further from the entry than asked.
    expect(stop).toMatchObject({ type: 'stop_limit', side: 'sell', status: 'open', source: 'strategy' });
    expect(Number(stop.stop_price)).toBe(Number(tick(entry * 0.95, true)));
    expect(Number(stop.price)).toBe(Number(tick(Number(stop.stop_price) * 0.995, false)));
    expect(target).toMatchObject({ type: 'limit', side: 'sell', status: 'open' });
    expect(Number(target.price)).toBe(Number(tick(entry * 1.03, false)));
    expect(stop.order_list_id).not.toBeNull();
    expect(target.order_list_id).toBe(stop.order_list_id);
    expect(Number(stop.quantity)).toBe(Number(position.quantity));
    const atExchange = stack.fake.orders.filter((o) => o.orderListId === Number(stop.order_list_id));
    expect(atExchange.map((o) => o.type).sort()).toEqual(['LIMIT_MAKER', 'STOP_LOSS_LIMIT']);
    expect(atExchange.every((o) => Number(o.origQty) === Number(position.quantity))).toBe(true);
    const view = await client.get(`/api/active-strategies/${id}`);
    expect(view.body).toMatchObject({ protection: 'exchange', position: { protectedAtExchange: true } });
    // Its trades say which leg holds which level; the entry is a plain order.
    const shown = new Map((view.body.trades as { id: number }[]).map((t) => [t.id, t]));
    expect(shown.get(Number(stop.id))).toMatchObject({
      type: 'stop_limit',
      protection: 'stop',
      stopPrice: String(Number(stop.stop_price)),
    });
    expect(shown.get(Number(target.id))).toMatchObject({ type: 'limit', protection: 'target' });
    expect(shown.get(Number(position.entry_trade_id))).not.toHaveProperty('protection');

    // Between the levels, the minute check asks the exchange and leaves the position to it.
    stack.fake.setPrice(PAIR, tick(entry * 1.01, false));
    // Counted on this market: other suites' activations left in the database may trade on this fake too.
    const ordersHere = () => stack.fake.orders.filter((o) => o.symbol === PAIR);
    const orders = ordersHere().length;
    await minuteCheck();
    expect(await stack.app.db('positions').where({ id: position.id }).first()).toMatchObject({ status: 'open' });
    expect(ordersHere()).toHaveLength(orders);

    // The market reaches the target: Binance fills the LIMIT_MAKER and expires the stop.
    stack.fake.setPrice(PAIR, tick(entry * 1.031, false));
    await minuteCheck();
    const closed = await stack.app.db('positions').where({ id: position.id }).first();
    expect(closed).toMatchObject({ status: 'closed', exit_reason: 'take_profit' });
    expect(Number(closed.exit_price)).toBe(Number(target.price));
    expect(Number(closed.exit_trade_id)).toBe(Number(target.id));
    const [filledTarget, expiredStop] = await legs();
    expect(filledTarget).toMatchObject({ status: 'closed' });
    expect(expiredStop).toMatchObject({ status: 'expired' });
    // Closed when Binance filled the leg, not when the leg was placed.
    const atBinance = stack.fake.orders.find((o) => o.clientOrderId === target.client_order_id)!;
    expect(atBinance.updateTime).toBeGreaterThan(atBinance.time);
    expect(new Date(closed.closed_at).getTime()).toBe(atBinance.updateTime);
    // Realised P&L: the move on what was held, less both legs' fees (Binance's 0.1 %, the exit's in USDT).
    const quantity = Number(position.quantity);
    const exitFee = Number(filledTarget.fee);
    expect(filledTarget.fee_currency).toBe('USDT');
    const pnl = (Number(target.price) - entry) * quantity - Number(position.entry_fee) - exitFee;
    expect(Number(closed.realized_pnl)).toBeCloseTo(pnl, 6);
    // Nothing was sold at market.
    expect(ordersHere()).toHaveLength(orders);
  });

  it('cancels the list before the strategy exits at market, and sells what it held', async () => {
    const rows = hours(36_420, 36_440);
    const { id, green, position, legs } = await enteredAtGreen(rows, 0.05, 0.05);
    const listId = (await legs())[0]!.order_list_id;
    const red = rows.findIndex(([, o, , , c], i) => i > green && c! < o!);
    const cancels = () =>
      stack.fake.requests.filter(
        (r) => r.method === 'DELETE' && r.path === '/api/v3/orderList' && r.params?.get('orderListId') === listId,
      );
    expect(await replayClose(id, rows[red]!)).toBe('traded');
    expect(cancels()).toHaveLength(1);
    expect((await legs()).map((leg) => leg.status)).toEqual(['canceled', 'canceled']);
    expect(stack.fake.orders.filter((o) => o.orderListId === Number(listId)).map((o) => o.status)).toEqual([
      'CANCELED',
      'CANCELED',
    ]);
    const closed = await stack.app.db('positions').where({ id: position.id }).first();
    expect(closed).toMatchObject({ status: 'closed', exit_reason: 'signal' });
    // Found by its client order id: other suites' activations may trade on this fake too.
    const exit = await stack.app.db('trades').where({ id: closed.exit_trade_id }).first();
    const sale = stack.fake.orders.find((o) => o.clientOrderId === exit.client_order_id);
    expect(sale).toMatchObject({
      type: 'MARKET',
      side: 'SELL',
      status: 'FILLED',
      origQty: Number(position.quantity).toFixed(8),
    });
  });

  it('never rests the protection twice: an answer lost after Binance took the list is looked up by client order id', async () => {
    // Binance takes the list, then the answer is lost (an overloaded 503): the job is tried again, finds both legs
    // by their client order ids and records them instead of sending a second list.
    let lost = 0;
    stack.fake.onOrderAccepted = (order) => {
      if (order.orderListId < 0 || lost++ > 0) return;
      throw new BinanceReject(
        503,
        -1008,
        'Server is currently overloaded with other requests. Please try again in a few minutes.',
      );
    };
    const rows = hours(36_440, 36_460);
    const { id, position, legs } = await enteredAtGreen(rows, 0.05, 0.05);
    stack.fake.onOrderAccepted = undefined;
    expect(lost).toBeGreaterThan(0);
    expect(listRequests(id, position.id)).toBe(1);
    const placed = await legs();
    expect(placed.map((leg) => leg.status)).toEqual(['open', 'open']);
    expect(placed.map((leg) => leg.client_order_id).sort()).toEqual(
      stack.fake.orders
        .filter((o) => o.orderListId === Number(placed[0]!.order_list_id))
        .map((o) => o.clientOrderId)
        .sort(),
    );
    // Asked again once placed (the minute check after a restart, say): nothing is sent.
    const row = await stack.app.db('active_strategies').where({ id }).first();
    await placeProtection(live.deps, row, position);
    await minuteCheck();
    expect(listRequests(id, position.id)).toBe(1);
  });

  it('closes at market when the market falls through the stop-limit and leaves it unfilled', async () => {
    const rows = hours(36_460, 36_480);
    const { id, green, position, legs } = await enteredAtGreen(rows, 0.02, 0.05);
    const [, stop] = await legs();
    // A fall to below the stop-limit's limit: Binance triggers the stop, the limit rests unfilled.
    const fallen = Number(stop.price) * 0.99;
    await fallAfterEntry(rows, green, fallen);
    const closed = await stack.app.db('positions').where({ id: position.id }).first();
    expect(closed).toMatchObject({ status: 'closed', exit_reason: 'stop_loss' });
    // The target expired when the stop triggered, as in Binance's OCO; the close cancelled the stop.
    expect((await legs()).map((leg) => leg.status)).toEqual(['expired', 'canceled']);
    const sale = await stack.app.db('trades').where({ id: closed.exit_trade_id }).first();
    expect(sale).toMatchObject({ type: 'market', side: 'sell', status: 'closed', active_strategy_id: id });
    expect(Number(sale.filled_quantity)).toBe(Number(position.quantity));
  });

  it('watches the stop itself once Binance expired it on a part of the target filled, and sells the rest', async () => {
    const rows = hours(36_500, 36_520);
    const { green, position, legs } = await enteredAtGreen(rows, 0.02, 0.05);
    const [target, stop] = await legs();
    // The market touches the target without the depth for all of it: a third sells there, and Binance expires the
    // stop, as it does to the other leg of an OCO on a partial fill.
    const quantity = Number(position.quantity);
    const part = (Math.floor((quantity / 3) * 1000) / 1000).toFixed(3);
    stack.fake.book.fillPart(target.client_order_id, part);
    await minuteCheck();
    expect(await stack.app.db('positions').where({ id: position.id }).first()).toMatchObject({ status: 'open' });
    const [resting, expired] = await legs();
    expect(resting).toMatchObject({ id: target.id, status: 'open' });
    expect(Number(resting.filled_quantity)).toBe(Number(part));
    expect(expired).toMatchObject({ id: stop.id, status: 'expired' });

    // The market falls through the stop the exchange no longer holds: the bot's own check takes it.
    const fallen = Number(position.stop_loss) * 0.99;
    await fallAfterEntry(rows, green, fallen);
    const closed = await stack.app.db('positions').where({ id: position.id }).first();
    expect(closed).toMatchObject({ status: 'closed', exit_reason: 'stop_loss' });
    const [cancelled] = await legs();
    expect((await legs()).map((leg) => leg.status)).toEqual(['canceled', 'expired']);
    // The part the target sold keeps its fee (Binance's cancel report has no fills): 0.1 % of what it got, in USDT.
    expect(cancelled).toMatchObject({ fee_currency: 'USDT' });
    expect(Number(cancelled.fee)).toBeCloseTo(Number(part) * Number(target.price) * 0.001, 8);
    // Only what the target did not sell is sold at market; the exit averages both.
    const sale = await stack.app.db('trades').where({ id: closed.exit_trade_id }).first();
    expect(sale).toMatchObject({ type: 'market', side: 'sell', status: 'closed' });
    expect(Number(sale.filled_quantity)).toBeCloseTo(quantity - Number(part), 8);
    const average =
      (Number(part) * Number(target.price) + Number(sale.filled_quantity) * Number(sale.average_price)) / quantity;
    expect(Number(closed.exit_price)).toBeCloseTo(average, 6);
  });

  it('never sells again what a leg sold: an exit after the target filled, before the minute check closed from it', async () => {
    const rows = hours(36_520, 36_540);
    const { id, green, position, legs } = await enteredAtGreen(rows, 0.05, 0.01);
    const [target] = await legs();
    // Binance fills the target; the open-trades sweep (or a check cut short) records it, the position still open.
    stack.fake.setPrice(PAIR, tick(Number(target.price) * 1.001, false));
    await live.deps.broker.call('settleProtection', {
      brokerId: Number(position.broker_id),
      positionId: Number(position.id),
      cancel: false,
    });
    expect((await legs()).map((leg) => leg.status)).toEqual(['closed', 'expired']);
    // The strategy exits on the next red close: the position is closed from the target's fill, nothing sold again.
    const red = rows.findIndex(([, o, , , c], i) => i > green && c! < o!);
    expect(await replayClose(id, rows[red]!)).toBe('traded');
    const closed = await stack.app.db('positions').where({ id: position.id }).first();
    expect(closed).toMatchObject({ status: 'closed', exit_reason: 'take_profit' });
    expect(Number(closed.exit_trade_id)).toBe(Number(target.id));
    expect(await marketSells(id)).toBe(0);
  });

  it('closes from the target when what it left unsold is too small for Binance to sell', async () => {
    const rows = hours(36_540, 36_560);
    const { id, green, position, legs } = await enteredAtGreen(rows, 0.02, 0.05);
    const [target] = await legs();
    // All but 0.005 BNB (about 3 USDT, under Binance's 5 USDT minimum order value) sells at the target; the stop
    // expires.
    const quantity = Number(position.quantity);
    const part = (quantity - 0.005).toFixed(3);
    stack.fake.book.fillPart(target.client_order_id, part);
    const fallen = Number(position.stop_loss) * 0.99;
    await fallAfterEntry(rows, green, fallen);
    const closed = await stack.app.db('positions').where({ id: position.id }).first();
    expect(closed).toMatchObject({ status: 'closed', exit_reason: 'take_profit' });
    expect(Number(closed.exit_trade_id)).toBe(Number(target.id));
    expect(Number(closed.exit_price)).toBe(Number(target.price));
    expect(await marketSells(id)).toBe(0);
  });

  it("keeps the broker's account while a protection rests there: new keys and the other network are refused", async () => {
    const rows = hours(36_560, 36_580);
    const { client, position } = await enteredAtGreen(rows, 0.05, 0.05);
    const brokerId = Number(position.broker_id);
    const before = await stack.app.db('brokers').where({ id: brokerId }).first();
    const keys = await client.send('put', `/api/brokers/${brokerId}`, {
      credentials: { apiKey: 'another-account-key', secret: 'another-account-secret' },
    });
    expect(keys.status).toBe(409);
    expect(keys.body.error).toMatchObject({ code: 'PROTECTION_RESTING', field: 'credentials' });
    const network = await client.send('put', `/api/brokers/${brokerId}`, { isTestnet: true });
    expect(network.status).toBe(409);
    expect(network.body.error).toMatchObject({ code: 'POSITION_OPEN', field: 'isTestnet' });
    const off = await client.send('put', `/api/brokers/${brokerId}`, { isActive: false });
    expect(off.status).toBe(409);
    expect(off.body.error).toMatchObject({ code: 'PROTECTION_RESTING', field: 'isActive' });
    // Nothing written; a rename is still fine.
    const after = await stack.app.db('brokers').where({ id: brokerId }).first();
    expect(after).toMatchObject({ credentials_enc: before.credentials_enc, is_testnet: false, is_active: true });
    expect((await client.send('put', `/api/brokers/${brokerId}`, { name: 'Binance principal' })).status).toBe(200);
  });

  it('leaves the levels to the bot when the exchange cannot hold them', async () => {
    // The paper exchange takes no protective orders (the API offers the choice only on Binance): the refusal is
    // written on the legs and the bot's minute check closes at the stop on a 1m wick, as without the option.
    const rows = hours(36_480, 36_500);
    stack.fake.setPrice(PAIR, String(rows[0]![4]));
    const { green, position, legs } = await enteredAtGreen(rows, 0.01, 0.5, true);
    const refused = await legs();
    expect(refused.map((leg) => [leg.type, leg.status, leg.error_code])).toEqual([
      ['limit', 'rejected', 'PROTECTION_UNSUPPORTED'],
      ['stop_limit', 'rejected', 'PROTECTION_UNSUPPORTED'],
    ]);
    const stop = Number(position.stop_loss);
    const t0 = rows[green]![0] + H;
    await storeRows(
      stack.app,
      [[t0, stop * 1.004, stop * 1.005, stop * 0.998, stop * 1.003, 1]],
      { ...KEY, timeframe: '1m' },
      60_000,
    );
    stack.fake.setPrice(PAIR, String(stop * 1.003));
    await minuteCheck();
    const closed = await stack.app.db('positions').where({ id: position.id }).first();
    expect(closed).toMatchObject({ status: 'closed', exit_reason: 'stop_loss' });
  });
});
