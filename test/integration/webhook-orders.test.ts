// The webhook actor: stored webhooks become orders at a fake Binance (ccxt's real class, Binance's real protocol)
// through the broker actor, each with the position it opens or closes for its source.
import { processWebhook } from '../../actors/webhook/process-webhook';
import { adoptFilledEntries } from '../../actors/webhook/webhook-entries';
import { protectWebhookPositions } from '../../actors/webhook/webhook-exits';
import { createLogger } from '../../core/logger';
import { BrokerRequests } from '../../queues/broker-client';
import type { Client } from '../helpers/app';
import { storeRows } from '../helpers/live';
import { binanceBroker, signedInClient, startTradingStack } from '../helpers/trading';
import { until } from '../helpers/wait';
import { createSource, pathOf, postWebhook, startWebhookWorker } from '../helpers/webhooks';

function actorDeps(broker: BrokerRequests) {
  const { config } = stack.app;
  return {
    db: stack.app.db,
    broker,
    publisher: stack.app.publisher,
    logger: createLogger('silent', 'test'),
    paperSource: config.PAPER_PRICE_SOURCE,
    paperSlippage: config.PAPER_SLIPPAGE,
  };
}

let stack: Awaited<ReturnType<typeof startTradingStack>>;
let worker: Awaited<ReturnType<typeof startWebhookWorker>> | undefined;
let client: Client;
let brokerId: number;

beforeAll(async () => {
  stack = await startTradingStack();
  client = await signedInClient(stack.app);
  brokerId = await binanceBroker(client);
  // Loaded by the markets actor (another suite may have listed a bare BTC/USDT, which stops the load at creation).
  expect((await client.send('post', `/api/brokers/${brokerId}/markets`)).status).toBeLessThan(300);
  await until(
    () =>
      stack.app
        .db('exchange_symbols')
        .where({ exchange: 'binance', symbol: 'ETH/USDT' })
        .whereNotNull('amount_precision')
        .first(),
    20_000,
  );
  worker = await startWebhookWorker(stack.app);
}, 40_000);
afterAll(async () => {
  await worker?.close();
  await stack.close();
});

/** Posts a signal and waits until the actor has settled it; returns the stored webhook. */
async function settled(path: string, body: object | string) {
  const res = await postWebhook(stack.app, path, body);
  expect(res.body.status).toBe('received');
  return until(
    () => stack.app.db('webhooks').where({ id: res.body.id }).whereNot({ status: 'received' }).first(),
    15_000,
  );
}
const ordersOf = (trade: { client_order_id: string }) =>
  stack.fake.orders.filter((o) => o.clientOrderId === trade.client_order_id);

it('opens the source position from a buy, and closes it from a sell, one order each', async () => {
  const source = await createSource(client, { brokerId, size: { quoteAmount: '100' } });
  const entry = await settled(pathOf(source), { action: 'buy', symbol: 'BINANCE:BTCUSDT', id: 'o-1' });
  expect(entry).toMatchObject({ status: 'processed', reason: null });
  expect(entry.parsed).toMatchObject({ symbol: 'BTC/USDT', action: 'buy' });
  const trade = await stack.app.db('trades').where({ id: entry.trade_id }).first();
  expect(trade).toMatchObject({
    source: 'webhook',
    webhook_id: entry.id,
    side: 'buy',
    symbol: 'BTC/USDT',
    status: 'closed',
  });
  expect(ordersOf(trade)).toHaveLength(1);
  // 100 USDT at 26000 with the fee room, on the 0.00001 step.
  expect(Number(trade.filled_quantity)).toBeCloseTo(0.00384, 8);
  const position = await stack.app.db('positions').where({ webhook_source_id: source.id, status: 'open' }).first();
  expect(position).toMatchObject({ side: 'long', symbol: 'BTC/USDT', entry_trade_id: trade.id });

  const exit = await settled(pathOf(source), 'SIGNAL=SELL\nSYMBOL=BTCUSDT');
  expect(exit.status).toBe('processed');
  const closing = await stack.app.db('trades').where({ id: exit.trade_id }).first();
  expect(closing).toMatchObject({ side: 'sell', webhook_id: exit.id });
  expect(Number(closing.filled_quantity)).toBe(Number(position.quantity));
  const closed = await stack.app.db('positions').where({ id: position.id }).first();
  expect(closed).toMatchObject({ status: 'closed', exit_trade_id: closing.id, exit_reason: 'signal' });
  expect(closed.realized_pnl).not.toBeNull();
  // The log shows each webhook with its trade.
  const log = (await client.get(`/api/webhooks?sourceId=${source.id}`).expect(200)).body;
  expect(log.map((w: { status: string; trade: { side: string } }) => [w.status, w.trade.side])).toEqual([
    ['processed', 'sell'],
    ['processed', 'buy'],
  ]);
});

it('sizes a percent of the free quote balance', async () => {
  const source = await createSource(client, { brokerId, symbol: 'ETH/USDT' });
  const hook = await settled(pathOf(source), { action: 'buy', percent: 1, id: 'pct-1' });
  expect(hook.status).toBe('processed');
  const trade = await stack.app.db('trades').where({ id: hook.trade_id }).first();
  // The account starts with 20,000 USDT; earlier tests spent a few hundred of it.
  expect(Number(trade.filled_quantity) * Number(trade.average_price)).toBeGreaterThan(150);
  expect(Number(trade.filled_quantity) * Number(trade.average_price)).toBeLessThan(210);
  await settled(pathOf(source), { action: 'close', id: 'pct-2' });
});

it('rejects what the source cannot do, and marks failed what the exchange refused, ordering nothing', async () => {
  const source = await createSource(client, { brokerId, size: { quantity: '0.001' } });
  const before = stack.fake.orders.length;
  const cases: [object, string, string][] = [
    [{ action: 'close', symbol: 'BTCUSDT' }, 'rejected', 'aucune position ouverte'],
    [{ action: 'sell', symbol: 'BTCUSDT' }, 'rejected', 'aucune position ouverte'],
    [{ action: 'buy', symbol: 'DOGEUSDT' }, 'rejected', 'paire inconnue'],
    [{ action: 'buy', symbol: 'BTCUSDT.P' }, 'rejected', 'perpétuel'],
    [{ action: 'buy', symbol: 'BTCUSDT', quantity: '0.000001' }, 'rejected', 'trop petite'],
  ];
  for (const [body, status, reason] of cases) {
    const hook = await settled(pathOf(source), body);
    expect([body, hook.status]).toEqual([body, status]);
    expect(hook.reason).toContain(reason);
  }
  expect(stack.fake.orders.length).toBe(before);
  const refused = await settled(pathOf(source), { action: 'buy', symbol: 'BTCUSDT', quantity: '50' });
  expect(refused.status).toBe('failed');
  expect(refused.reason).toMatch(/insuffisant|insufficient/i);
  expect(await stack.app.db('positions').where({ webhook_source_id: source.id })).toEqual([]);
});

it('refuses a second entry while the position is open', async () => {
  const source = await createSource(client, { brokerId, symbol: 'BTC/USDT', size: { quantity: '0.001' } });
  expect((await settled(pathOf(source), { action: 'buy', id: 'twice-1' })).status).toBe('processed');
  const again = await settled(pathOf(source), { action: 'long', id: 'twice-2' });
  expect(again).toMatchObject({ status: 'rejected', reason: expect.stringContaining('déjà ouverte') });
  expect(await stack.app.db('positions').where({ webhook_source_id: source.id })).toHaveLength(1);
  await settled(pathOf(source), { action: 'exit', id: 'twice-3' });
});

it('processes what arrived while the worker was down once it is back, and a webhook handled twice orders once', async () => {
  const source = await createSource(client, { brokerId, symbol: 'BTC/USDT', size: { quantity: '0.001' } });
  await worker!.close();
  worker = undefined;
  const res = await postWebhook(stack.app, pathOf(source), { action: 'buy', id: 'down-1' });
  expect(res.status).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect((await stack.app.db('webhooks').where({ id: res.body.id }).first()).status).toBe('received');
  worker = await startWebhookWorker(stack.app);
  const hook = await until(
    () => stack.app.db('webhooks').where({ id: res.body.id, status: 'processed' }).first(),
    15_000,
  );
  const trade = await stack.app.db('trades').where({ id: hook.trade_id }).first();

  // Asked again (a retried job, a sweep racing the queue): settled webhooks are left alone.
  const { config } = stack.app;
  const broker = new BrokerRequests(stack.app.redis, config.REDIS_URL, config.QUEUE_PREFIX, 10_000);
  const deps = actorDeps(broker);
  expect(await processWebhook(deps, res.body.id, false)).toBe('settled');
  // Even reset to `received` (the worker died after the exchange but before our record), the business key finds the
  // order already placed: the exchange still holds one.
  await stack.app.db('positions').where({ entry_trade_id: trade.id }).delete();
  await stack.app.db('webhooks').where({ id: res.body.id }).update({ status: 'received', trade_id: null });
  expect(await processWebhook(deps, res.body.id, false)).toBe('processed');
  await broker.close();
  expect(ordersOf(trade)).toHaveLength(1);
  expect(await stack.app.db('trades').where({ webhook_id: res.body.id })).toHaveLength(1);
  expect(await stack.app.db('positions').where({ webhook_source_id: source.id, status: 'open' })).toHaveLength(1);
});

it("closes a position at the stop-loss its signal gave, when a 1m candle's low reaches it", async () => {
  const source = await createSource(client, { brokerId, symbol: 'BTC/USDT', size: { quantity: '0.001' } });
  const hook = await settled(pathOf(source), { action: 'buy', stopLoss: '25000', takeProfit: '27500', id: 'sl-1' });
  expect(hook.status).toBe('processed');
  const position = await stack.app.db('positions').where({ webhook_source_id: source.id, status: 'open' }).first();
  expect(position).toMatchObject({ stop_loss: expect.stringMatching(/^25000\.?0*$/) });
  const { config } = stack.app;
  const broker = new BrokerRequests(stack.app.redis, config.REDIS_URL, config.QUEUE_PREFIX, 10_000);
  const deps = actorDeps(broker);
  const M = 60_000;
  const next = Math.ceil(new Date(position.opened_at).getTime() / M) * M;
  const key = { source: 'binance', symbol: 'BTC/USDT', timeframe: '1m' };
  // A candle that stays between the levels moves the check on; the next one's wick reaches the stop.
  await storeRows(stack.app, [[next, 26000, 26100, 25900, 26050, 1]], key, M);
  expect(await protectWebhookPositions(deps, next + M)).toBe(0);
  expect((await stack.app.db('positions').where({ id: position.id }).first()).status).toBe('open');
  await storeRows(stack.app, [[next + M, 26000, 26100, 24900, 25950, 1]], key, M);
  expect(await protectWebhookPositions(deps, next + 2 * M)).toBe(1);
  // Checked again (another worker, the next minute): closed once.
  expect(await protectWebhookPositions(deps, next + 2 * M)).toBe(0);
  await broker.close();
  const closed = await stack.app.db('positions').where({ id: position.id }).first();
  expect(closed).toMatchObject({ status: 'closed', exit_reason: 'stop_loss' });
  const sells = await stack.app.db('trades').where({ id: closed.exit_trade_id });
  expect(sells).toHaveLength(1);
  expect(stack.fake.orders.filter((o) => o.clientOrderId === sells[0].client_order_id)).toHaveLength(1);
});

it('opens the position of a limit entry once the exchange fills it, with the levels its signal gave', async () => {
  const source = await createSource(client, { brokerId, symbol: 'BTC/USDT', size: { quantity: '0.001' } });
  const signal = { action: 'buy', type: 'limit', price: '25000', stopLoss: '24000', takeProfit: '27000', id: 'lim-1' };
  const hook = await settled(pathOf(source), signal);
  expect(hook.status).toBe('processed');
  const trade = await stack.app.db('trades').where({ id: hook.trade_id }).first();
  expect(trade).toMatchObject({ type: 'limit', status: 'open' });
  expect(await stack.app.db('positions').where({ webhook_source_id: source.id })).toHaveLength(0);
  const { config } = stack.app;
  const broker = new BrokerRequests(stack.app.redis, config.REDIS_URL, config.QUEUE_PREFIX, 10_000);
  const deps = actorDeps(broker);
  try {
    // Resting: nothing to adopt.
    expect(await adoptFilledEntries(deps, Date.now())).toBe(0);
    // The market trades through the limit; the broker actor's sync records the fill.
    stack.fake.setPrice('BTCUSDT', '24900.00000000');
    await broker.call('syncOpenTrades', { brokerId });
    expect((await stack.app.db('trades').where({ id: trade.id }).first()).status).toBe('closed');
    expect(await adoptFilledEntries(deps, Date.now())).toBe(1);
    const position = await stack.app.db('positions').where({ webhook_source_id: source.id, status: 'open' }).first();
    expect(position).toMatchObject({ side: 'long', entry_trade_id: trade.id });
    expect(Number(position.entry_price)).toBe(25000);
    expect(Number(position.stop_loss)).toBe(24000);
    expect(Number(position.take_profit)).toBe(27000);
    // Adopted once, however often the minute's check runs.
    expect(await adoptFilledEntries(deps, Date.now())).toBe(0);
    expect(await stack.app.db('positions').where({ webhook_source_id: source.id })).toHaveLength(1);
    // Neither the source nor its broker is deleted while it holds the position: nothing would watch or close it.
    const brokerRefused = await client.send('delete', `/api/brokers/${brokerId}`);
    expect(brokerRefused.status).toBe(409);
    expect(brokerRefused.body.error.message).toContain('source de webhook tient une position ouverte');
    const refused = await client.send('delete', `/api/webhook-sources/${source.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'POSITION_OPEN',
      message: expect.stringContaining('position ouverte sur BTC/USDT'),
    });
    // The source knows its position: a close sells it, and then it may go.
    expect((await settled(pathOf(source), { action: 'close', id: 'lim-2' })).status).toBe('processed');
    expect((await client.send('delete', `/api/webhook-sources/${source.id}`)).status).toBe(204);
  } finally {
    stack.fake.setPrice('BTCUSDT', '26000.00000000');
    await broker.close();
  }
});
