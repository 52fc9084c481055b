// The Trading BOT's REST API (issue 14 §4): activations are created only on the user's own strategy and broker, on a
// market their exchange lists, and change state through stop, suspend, resume and the emergency stop. Closing a
// position is never done here: a `close` job goes to the strategy actor's queue, checked in the real Redis.
import type { Queue } from 'bullmq';
import { openQueue } from '../../queues/connection';
import { jobIds } from '../../queues/jobs';
import { QUEUES } from '../../queues/names';
import { activate, activationBody, listMarket, ownRows } from '../helpers/activations';
import { eventsChannel } from '../../core/realtime/publisher';
import { filledTradeRow } from '../helpers/fills';
import { signedInClient, startTestApp, uniqueName, type Client, type TestApp } from '../helpers/app';
import { until } from '../helpers/wait';

/** The paper brokers' price source of this suite: its markets are the ones listed below, and no other suite's. */
const SOURCE = uniqueName('src');
const DAY = 24 * 3600 * 1000;

let app: TestApp;
let queue: Queue;
beforeAll(async () => {
  app = await startTestApp({ PAPER_PRICE_SOURCE: SOURCE });
  queue = openQueue(QUEUES.strategy, app.config.REDIS_URL, app.config.QUEUE_PREFIX);
  await listMarket(app.db, SOURCE, 'BTC/USDT');
  await listMarket(app.db, SOURCE, 'ETH/USDT');
  await listMarket(app.db, SOURCE, 'OLD/USDT', { active: false });
});
afterAll(async () => {
  await app.db('exchange_symbols').where('exchange', 'like', `${SOURCE}%`).delete();
  await queue.close();
  await app.close();
});

/** Writes an open position of the activation, as the strategy actor would. */
async function openPosition(client: Client, activationId: number, fields: Record<string, unknown> = {}) {
  const { brokerId } = await ownRows(client);
  const [row] = await app
    .db('positions')
    .insert({
      user_id: client.user!.id,
      broker_id: brokerId,
      active_strategy_id: activationId,
      symbol: 'BTC/USDT',
      side: 'long',
      quantity: '0.5',
      entry_price: '20000',
      status: 'open',
      ...fields,
    })
    .returning('id');
  return Number(row.id);
}

const activations = () => app.db('active_strategies').count({ n: '*' }).first();

describe('POST /api/active-strategies', () => {
  it("creates an activation with the strategy's timeframe, spot, no budget, active", async () => {
    const client = await signedInClient(app);
    const { strategyId, brokerId } = await ownRows(client);
    const body = activationBody(strategyId, brokerId);
    const res = await client.send('post', '/api/active-strategies', body);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(Number),
      strategyId,
      strategyName: expect.any(String),
      brokerId,
      brokerName: expect.any(String),
      exchange: 'paper',
      symbol: 'BTC/USDT',
      timeframe: '1h',
      market: 'spot',
      startDate: body.startDate,
      endDate: body.endDate,
      budget: null,
      closeAtEnd: true,
      protection: 'bot',
      state: 'active',
      suspendedBy: null,
      lastError: null,
      lastErrorAt: null,
      errorCount: 0,
      lastCloseTime: null,
      position: null,
      realizedPnl: '0',
    });
    const one = (await client.get(`/api/active-strategies/${res.body.id}`).expect(200)).body;
    expect(one).toEqual({ ...res.body, trades: [] });
    expect((await client.get('/api/active-strategies').expect(200)).body).toEqual([one]);

    const budgeted = await client.send('post', '/api/active-strategies', {
      ...body,
      timeframe: '1h',
      budget: 250.5,
      symbol: 'ETH/USDT',
      closeAtEnd: false,
    });
    expect(budgeted.status).toBe(201);
    expect(budgeted.body).toMatchObject({ budget: '250.5', symbol: 'ETH/USDT', closeAtEnd: false });
    const list = (await client.get('/api/active-strategies').expect(200)).body as { id: number }[];
    expect(list.map((a) => a.id)).toEqual([budgeted.body.id, res.body.id]);
  });

  it('refuses every bad field with a French message naming it, and writes nothing', async () => {
    const client = await signedInClient(app);
    const { strategyId, brokerId } = await ownRows(client);
    const [inactive] = await app
      .db('brokers')
      .insert({ user_id: client.user!.id, name: 'off', exchange: 'paper', is_active: false })
      .returning('id');
    const start = new Date(Date.now()).toISOString();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ strategyId: undefined }, 'strategyId', /^Stratégie : obligatoire/],
      [{ strategyId: 'abc' }, 'strategyId', /^Stratégie : /],
      [{ brokerId: undefined }, 'brokerId', /^Broker : obligatoire/],
      [{ brokerId: Number(inactive.id) }, 'brokerId', /^Broker : « off » est désactivé/],
      [{ symbol: '  ' }, 'symbol', /^Paire : obligatoire/],
      [{ symbol: 'DOGE/EUR' }, 'symbol', /^Paire : DOGE\/EUR n'est pas un marché/],
      [{ symbol: 'OLD/USDT' }, 'symbol', /^Paire : OLD\/USDT n'est plus ouvert/],
      [{ timeframe: '4h' }, 'timeframe', /^Unité de temps : celle de la stratégie \(1h\)/],
      [{ timeframe: '2d' }, 'timeframe', /^Unité de temps : une des unités/],
      [{ startDate: 'hier' }, 'startDate', /^Début : /],
      [{ endDate: undefined }, 'endDate', /^Fin : /],
      [{ startDate: start, endDate: start }, 'endDate', /^Fin : doit être après la date de début/],
      [{ market: 'margin' }, 'market', /^Marché : 'spot' ou 'futures'/],
      [{ market: 'futures' }, 'market', /^Marché : le broker .* ne propose pas de futures/],
      [{ budget: '0' }, 'budget', /^Budget : doit être positif/],
      [{ budget: '-5' }, 'budget', /^Budget : nombre décimal attendu/],
      [{ budget: '1' + '0'.repeat(30) }, 'budget', /^Budget : 18 chiffres au plus/],
      [{ closeAtEnd: 'oui' }, 'closeAtEnd', /^Fermer la position à la fin : vrai ou faux/],
      [{ protection: 'oco' }, 'protection', /^Protection : 'bot' ou 'exchange'/],
      [
        { protection: 'exchange' },
        'protection',
        /^Protection : les ordres stop-loss \/ take-profit sur l'exchange demandent un broker Binance \(« .* » est sur Paper/,
      ],
    ];
    const before = await activations();
    for (const [fields, field, message] of cases) {
      const res = await client.send('post', '/api/active-strategies', activationBody(strategyId, brokerId, fields));
      expect([fields, res.status, res.body.error?.field]).toEqual([fields, 400, field]);
      expect(res.body.error.message).toMatch(message);
    }
    expect(await activations()).toEqual(before);
  });

  it('takes futures where the broker’s exchange lists a contract on the pair', async () => {
    const client = await signedInClient(app);
    const { strategyId } = await ownRows(client);
    const exchange = `${SOURCE}-fut`;
    await listMarket(app.db, exchange, 'BTC/USDT');
    await listMarket(app.db, exchange, 'ETH/USDT');
    await listMarket(app.db, exchange, 'BTC/USDT:USDT', { type: 'swap' });
    const [broker] = await app
      .db('brokers')
      .insert({ user_id: client.user!.id, name: 'fut', exchange })
      .returning('id');
    const body = activationBody(strategyId, Number(broker.id), { market: 'futures' });
    const res = await client.send('post', '/api/active-strategies', body);
    expect([res.status, res.body.market, res.body.exchange]).toEqual([201, 'futures', exchange]);
    const eth = await client.send('post', '/api/active-strategies', { ...body, symbol: 'ETH/USDT' });
    expect([eth.status, eth.body.error?.field]).toEqual([400, 'market']);
  });

  it("answers another user's strategy or broker with 404 naming the field, as a missing one", async () => {
    const alice = await signedInClient(app);
    const bob = await signedInClient(app);
    const hers = await ownRows(alice);
    const his = await ownRows(bob);
    const before = await activations();
    for (const [fields, field, message] of [
      [{ strategyId: hers.strategyId }, 'strategyId', 'Stratégie : introuvable'],
      [{ brokerId: hers.brokerId }, 'brokerId', 'Broker : introuvable'],
    ] as const) {
      const foreign = await bob.send(
        'post',
        '/api/active-strategies',
        activationBody(his.strategyId, his.brokerId, fields),
      );
      const missing = await bob.send(
        'post',
        '/api/active-strategies',
        activationBody(his.strategyId, his.brokerId, { [field]: 2 ** 40 }),
      );
      expect({ status: foreign.status, body: foreign.body }).toEqual({
        status: 404,
        body: { error: { code: 'NOT_FOUND', message, field } },
      });
      expect({ status: missing.status, body: missing.body }).toEqual({ status: foreign.status, body: foreign.body });
    }
    expect(await activations()).toEqual(before);
  });
});

describe('the view', () => {
  it('shows the open position at its last price, the realised P&L and the last 10 trades, newest first', async () => {
    const client = await signedInClient(app);
    const id = await activate(client);
    const positionId = await openPosition(client, id, { side: 'short', current_price: '19000', stop_loss: '21000' });
    const { brokerId } = await app.db('active_strategies').where({ id }).first('broker_id as brokerId');
    // Six round trips of 1 BTC bought at 100 and sold at 101.25: 7.5 realised, as the Statistiques page counts it.
    const trades = Array.from({ length: 12 }, (_, i) => ({
      ...filledTradeRow(client.user!.id, Number(brokerId), {
        at: Date.UTC(2026, 10, 1) + i * 60_000,
        side: i % 2 ? 'sell' : 'buy',
        qty: '1',
        price: i % 2 ? '101.25' : '100',
      }),
      active_strategy_id: id,
      source: 'strategy',
    }));
    await app.db('trades').insert(trades);
    const view = (await client.get(`/api/active-strategies/${id}`).expect(200)).body;
    expect(view.position).toEqual({
      id: positionId,
      side: 'short',
      quantity: '0.5',
      entryPrice: '20000',
      stopLoss: '21000',
      takeProfit: null,
      lastPrice: '19000',
      unrealizedPnl: '500',
      openedAt: expect.any(String),
      protectedAtExchange: false,
    });
    expect(view.realizedPnl).toBe('7.5');
    expect(view.trades).toHaveLength(10);
    const ids = view.trades.map((t: { id: number }) => t.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(view.trades[0]).toMatchObject({ source: 'strategy', symbol: 'BTC/USDT', side: 'sell', status: 'closed' });
  });
});

describe('state changes', () => {
  it('stops now, closing the open position only when asked; a stopped activation neither resumes nor suspends', async () => {
    const client = await signedInClient(app);
    const keep = await activate(client);
    const kept = await openPosition(client, keep);
    const stopped = await client.send('post', `/api/active-strategies/${keep}/stop`, {});
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ state: 'stopped', suspendedBy: null, position: { side: 'long' } });
    expect(Date.parse(stopped.body.endDate)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(stopped.body.endDate)).toBeGreaterThan(Date.now() - 60_000);
    expect(await queue.getJob(jobIds.close(keep, kept))).toBeUndefined();

    const close = await activate(client);
    const positionId = await openPosition(client, close);
    const res = await client.send('post', `/api/active-strategies/${close}/stop`, { closePosition: true });
    expect(res.body.state).toBe('stopped');
    const job = await queue.getJob(jobIds.close(close, positionId));
    expect({ name: job?.name, data: job?.data }).toEqual({
      name: 'close',
      data: { activeStrategyId: close, positionId, reason: 'stop' },
    });

    for (const action of ['resume', 'suspend']) {
      const refused = await client.send('post', `/api/active-strategies/${keep}/${action}`, {});
      expect([action, refused.status, refused.body.error.code]).toEqual([action, 409, 'STOPPED']);
    }
    expect(
      (await client.send('post', `/api/active-strategies/${keep}/stop`, { closePosition: 'yes' })).body.error,
    ).toMatchObject({ field: 'closePosition' });
  });

  it('suspends for the user and resumes with the error count cleared; never past the end date', async () => {
    const client = await signedInClient(app);
    const id = await activate(client);
    const listener = app.redis.duplicate();
    const events: unknown[] = [];
    listener.on('message', (_channel: string, message: string) => events.push(JSON.parse(message)));
    await listener.subscribe(eventsChannel(app.config.QUEUE_PREFIX));
    const suspended = await client.send('post', `/api/active-strategies/${id}/suspend`, {});
    expect(suspended.body).toMatchObject({ state: 'suspended', suspendedBy: 'user' });
    // The user's other pages refetch it, and the status bar its count.
    const target = { userId: client.user!.id };
    await until(() => events.length >= 2);
    await listener.quit();
    expect(events).toEqual(
      expect.arrayContaining([
        { event: 'live:activation', payload: { id, kind: 'state' }, target },
        { event: 'status:changed', payload: { reason: 'live' }, target },
      ]),
    );
    await app
      .db('active_strategies')
      .where({ id })
      .update({ suspended_by: 'errors', error_count: 3, last_error: 'boom', last_error_at: new Date() });
    const resumed = await client.send('post', `/api/active-strategies/${id}/resume`, {});
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ state: 'active', suspendedBy: null, errorCount: 0, lastError: 'boom' });

    await app
      .db('active_strategies')
      .where({ id })
      .update({ state: 'suspended', start_date: new Date(Date.now() - 2 * DAY), end_date: new Date(Date.now() - DAY) });
    const late = await client.send('post', `/api/active-strategies/${id}/resume`, {});
    expect([late.status, late.body.error.field, late.body.error.code]).toEqual([409, 'endDate', 'ENDED']);
  });

  it('suspends every active activation of the user in an emergency, closing every open position if asked', async () => {
    const client = await signedInClient(app);
    const other = await signedInClient(app);
    const theirs = await activate(other);
    const first = await activate(client);
    const second = await activate(client);
    const paused = await activate(client);
    await client.send('post', `/api/active-strategies/${paused}/suspend`, {});
    const onFirst = await openPosition(client, first);
    const onPaused = await openPosition(client, paused);

    const res = await client.send('post', '/api/active-strategies/emergency-stop', { closePositions: false });
    expect(res.body).toEqual({ suspended: 2, closing: 0 });
    const states = (await client.get('/api/active-strategies').expect(200)).body as Record<string, unknown>[];
    expect(states.map((a) => [a.id, a.state, a.suspendedBy])).toEqual([
      [paused, 'suspended', 'user'],
      [second, 'suspended', 'emergency'],
      [first, 'suspended', 'emergency'],
    ]);
    expect((await other.get(`/api/active-strategies/${theirs}`).expect(200)).body.state).toBe('active');
    expect(await queue.getJob(jobIds.close(first, onFirst))).toBeUndefined();

    const closing = await client.send('post', '/api/active-strategies/emergency-stop', { closePositions: true });
    expect(closing.body).toEqual({ suspended: 0, closing: 2 });
    for (const [activation, position] of [
      [first, onFirst],
      [paused, onPaused],
    ]) {
      expect((await queue.getJob(jobIds.close(activation, position)))?.data).toEqual({
        activeStrategyId: activation,
        positionId: position,
        reason: 'emergency',
      });
    }
    const bad = await client.send('post', '/api/active-strategies/emergency-stop', { closePositions: 'all' });
    expect([bad.status, bad.body.error.field]).toEqual([400, 'closePositions']);
  });
});

describe('POST /api/active-strategies/:id/sell', () => {
  it('queues one close job for the open position however many times it is asked; the activation goes on', async () => {
    const client = await signedInClient(app);
    const id = await activate(client);
    const none = await client.send('post', `/api/active-strategies/${id}/sell`, {});
    expect([none.status, none.body.error.code]).toEqual([409, 'NO_OPEN_POSITION']);

    const positionId = await openPosition(client, id);
    const [one, two] = [
      await client.send('post', `/api/active-strategies/${id}/sell`, {}),
      await client.send('post', `/api/active-strategies/${id}/sell`, {}),
    ];
    expect([one.status, two.status]).toEqual([202, 202]);
    expect(one.body.jobId).toBe(jobIds.close(id, positionId));
    expect(two.body.jobId).toBe(one.body.jobId);
    expect(one.body.activation).toMatchObject({ id, state: 'active', position: { id: positionId } });
    const jobs = (await queue.getJobs(['waiting', 'delayed', 'active', 'completed'])).filter(
      (job) => job.data.activeStrategyId === id,
    );
    expect(jobs.map((job) => [job.id, job.name, job.data])).toEqual([
      [one.body.jobId, 'close', { activeStrategyId: id, positionId, reason: 'sell' }],
    ]);
  });
});

describe('protection at the exchange', () => {
  const PAIR = 'PRT/USDT';

  it('is offered on a Binance broker in spot, and chosen again by PUT for the next positions', async () => {
    const client = await signedInClient(app);
    const { strategyId } = await ownRows(client);
    const [broker] = await app
      .db('brokers')
      .insert({ user_id: client.user!.id, name: 'Binance', exchange: 'binance', is_active: true })
      .returning('id');
    // A pair of its own under `binance`: other suites wait for Binance's real markets to load, and would take this
    // one for them.
    await listMarket(app.db, 'binance', PAIR);
    const brokerId = Number(broker.id);
    const res = await client.send(
      'post',
      '/api/active-strategies',
      activationBody(strategyId, brokerId, { symbol: PAIR, protection: 'exchange' }),
    );
    expect([res.status, res.body.protection]).toEqual([201, 'exchange']);
    const put = (body: Record<string, unknown>) => client.send('put', `/api/active-strategies/${res.body.id}`, body);
    expect((await put({ protection: 'bot' })).body).toMatchObject({ protection: 'bot' });
    expect((await put({ protection: 'exchange' })).body).toMatchObject({ protection: 'exchange' });
    const bad = await put({ protection: 'both' });
    expect([bad.status, bad.body.error?.field]).toEqual([400, 'protection']);
    // Binance's protective orders sell what a spot position holds: futures keep the bot's check.
    await listMarket(app.db, 'binance', `${PAIR}:USDT`, { type: 'swap' });
    try {
      const futures = await client.send(
        'post',
        '/api/active-strategies',
        activationBody(strategyId, brokerId, { symbol: PAIR, protection: 'exchange', market: 'futures' }),
      );
      expect([futures.status, futures.body.error?.field]).toEqual([400, 'protection']);
      expect(futures.body.error.message).toMatch(
        /^Protection : les ordres sur l'exchange ne protègent que des positions spot/,
      );
      const bot = await client.send(
        'post',
        '/api/active-strategies',
        activationBody(strategyId, brokerId, { symbol: PAIR, market: 'futures' }),
      );
      expect(bot.status).toBe(201);
    } finally {
      await app
        .db('exchange_symbols')
        .where({ exchange: 'binance' })
        .whereIn('symbol', [PAIR, `${PAIR}:USDT`])
        .delete();
    }
    const stored = await app.db('active_strategies').where({ id: res.body.id }).first('protection');
    expect(stored.protection).toBe('exchange');
  });
});

describe('PUT and DELETE /api/active-strategies/:id', () => {
  it('changes the end date, the budget, and the market only while no position is open', async () => {
    const client = await signedInClient(app);
    const id = await activate(client, { budget: '100' });
    const endDate = new Date(Date.now() + 30 * DAY).toISOString();
    const put = (body: Record<string, unknown>) => client.send('put', `/api/active-strategies/${id}`, body);

    expect((await put({ endDate, budget: '75.5' })).body).toMatchObject({ endDate, budget: '75.5' });
    expect((await put({ closeAtEnd: false })).body).toMatchObject({ closeAtEnd: false, budget: '75.5' });
    expect([(await put({ closeAtEnd: null })).status, (await put({ closeAtEnd: 1 })).body.error?.field]).toEqual([
      400,
      'closeAtEnd',
    ]);
    expect((await put({ budget: null, symbol: 'ETH/USDT' })).body).toMatchObject({ budget: null, symbol: 'ETH/USDT' });
    const early = await put({ endDate: new Date(Date.now() - 3 * DAY).toISOString() });
    expect([early.status, early.body.error.field]).toEqual([400, 'endDate']);
    const unlisted = await put({ symbol: 'XRP/USDT' });
    expect([unlisted.status, unlisted.body.error.field]).toEqual([400, 'symbol']);

    await openPosition(client, id, { symbol: 'ETH/USDT' });
    for (const [body, field] of [
      [{ symbol: 'BTC/USDT' }, 'symbol'],
      [{ market: 'futures' }, 'market'],
    ] as const) {
      const refused = await put(body);
      expect([refused.status, refused.body.error.field, refused.body.error.code]).toEqual([
        409,
        field,
        'POSITION_OPEN',
      ]);
    }
    expect((await put({ symbol: 'ETH/USDT', budget: '10' })).body).toMatchObject({ symbol: 'ETH/USDT', budget: '10' });
  });

  it('refuses to delete an activation while its position is open', async () => {
    const client = await signedInClient(app);
    const id = await activate(client);
    const positionId = await openPosition(client, id);
    const refused = await client.send('delete', `/api/active-strategies/${id}`);
    expect([refused.status, refused.body.error.code]).toEqual([409, 'POSITION_OPEN']);
    await client.get(`/api/active-strategies/${id}`).expect(200);

    await app.db('positions').where({ id: positionId }).update({ status: 'closed', closed_at: new Date() });
    expect((await client.send('delete', `/api/active-strategies/${id}`)).status).toBe(204);
    expect((await client.get(`/api/active-strategies/${id}`)).status).toBe(404);
    expect((await app.db('positions').where({ id: positionId }).first()).active_strategy_id).toBeNull();
  });
});

describe('GET /api/positions', () => {
  it("lists the user's positions, newest first, by status", async () => {
    const client = await signedInClient(app);
    const other = await signedInClient(app);
    await openPosition(other, await activate(other));
    const first = await activate(client);
    const closed = await openPosition(client, first, {
      status: 'closed',
      opened_at: new Date(Date.now() - DAY),
      closed_at: new Date(),
      exit_price: '21000',
      realized_pnl: '499.9',
      exit_reason: 'sell',
    });
    const open = await openPosition(client, await activate(client), { current_price: '20100' });

    const all = (await client.get('/api/positions').expect(200)).body as Record<string, unknown>[];
    expect(all.map((p) => p.id)).toEqual([open, closed]);
    expect(all[0]).toMatchObject({ status: 'open', lastPrice: '20100', unrealizedPnl: '50', closedAt: null });
    expect(all[1]).toMatchObject({
      status: 'closed',
      activeStrategyId: first,
      exitPrice: '21000',
      realizedPnl: '499.9',
      exitReason: 'sell',
      unrealizedPnl: null,
    });
    expect(
      ((await client.get('/api/positions?status=open').expect(200)).body as { id: number }[]).map((p) => p.id),
    ).toEqual([open]);
    expect(
      ((await client.get('/api/positions?status=closed').expect(200)).body as { id: number }[]).map((p) => p.id),
    ).toEqual([closed]);
    const bad = await client.get('/api/positions?status=all');
    expect([bad.status, bad.body.error.field]).toEqual([400, 'status']);
  });
});

describe('GET /api/status', () => {
  it("counts the user's running activations and those suspended by errors", async () => {
    const client = await signedInClient(app);
    const other = await signedInClient(app);
    await activate(other);
    await activate(client);
    await activate(client);
    const ended = await activate(client);
    await app
      .db('active_strategies')
      .where({ id: ended })
      .update({ start_date: new Date(Date.now() - 2 * DAY), end_date: new Date(Date.now() - DAY) });
    const failing = await activate(client);
    await app.db('active_strategies').where({ id: failing }).update({ state: 'suspended', suspended_by: 'errors' });
    expect((await client.get('/api/status').expect(200)).body.liveStrategies).toEqual({
      running: 2,
      suspendedByErrors: 1,
    });
  });
});
