// Manual trading on a real ccxt `binance` pointed at the fake Binance: orders placed once whatever the retries, our
// checks refusing bad orders before anything is sent (and recording them), the exchange's pace respected, and one
// user's broker out of another's reach.
import { Queue } from 'bullmq';
import { brokerQueue } from '../../queues/broker-jobs';
import { queueOptions } from '../../queues/connection';
import { binanceBroker, mostInWindow, sendOrder, signedInClient, startTradingStack } from '../helpers/trading';

describe('trading on Binance', () => {
  let stack: Awaited<ReturnType<typeof startTradingStack>>;
  beforeAll(async () => {
    stack = await startTradingStack();
  });
  afterAll(() => stack.close());

  const ordersSent = () => stack.fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/v3/order').length;

  it('places a market order through the broker actor with a deterministic client order id, once', async () => {
    const client = await signedInClient(stack.app);
    const brokerId = await binanceBroker(client);
    const order = {
      brokerId,
      symbol: 'BTC/USDT',
      side: 'buy',
      type: 'market',
      amount: '0.01',
      requestId: 'req-0001-abcd',
    };
    const res = await client.send('post', '/api/trading/orders', order);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'closed',
      filledQuantity: '0.01',
      averagePrice: '26000',
      // Binance takes its commission from what is received: the base asset on a buy.
      fee: '0.00001',
      feeCurrency: 'BTC',
      source: 'manual',
    });
    const placed = stack.fake.orders.filter((o) => o.clientOrderId === res.body.clientOrderId);
    expect(placed).toHaveLength(1);
    expect(String(placed[0]!.orderId)).toBe(res.body.exchangeOrderId);

    // The same request again (a double click, a browser retry): the same trade, nothing new at the exchange.
    const sent = ordersSent();
    const again = await client.send('post', '/api/trading/orders', order);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(res.body.id);
    expect(ordersSent()).toBe(sent);
    const portfolio = (await client.get(`/api/trading/portfolio?brokerId=${brokerId}`).expect(200)).body;
    expect(portfolio.assets.find((a: { asset: string }) => a.asset === 'BTC').total).toBe('0.50999');
  });

  it('looks a pending order up by its client order id and never places it twice', async () => {
    const client = await signedInClient(stack.app);
    const brokerId = await binanceBroker(client);
    const order = {
      brokerId,
      symbol: 'ETH/USDT',
      side: 'buy',
      type: 'market',
      amount: '0.1',
      requestId: 'req-0002-abcd',
    };
    const first = await client.send('post', '/api/trading/orders', order);
    expect(first.status).toBe(201);
    // As if the worker had died after the exchange took the order but before the trade was updated, and the job
    // had completed without a result (removed from Redis): the trade is pending again.
    await stack.app.db('trades').where({ id: first.body.id }).update({ status: 'pending', exchange_order_id: null });
    const queue = new Queue(
      brokerQueue(brokerId),
      queueOptions(stack.app.config.REDIS_URL, stack.app.config.QUEUE_PREFIX),
    );
    await queue.remove(`order-${first.body.clientOrderId}`);
    await queue.close();
    const sent = ordersSent();
    const retried = await client.send('post', '/api/trading/orders', order);
    expect(retried.status).toBe(201);
    expect(retried.body).toMatchObject({
      id: first.body.id,
      status: 'closed',
      exchangeOrderId: first.body.exchangeOrderId,
    });
    expect(ordersSent()).toBe(sent);
    expect(stack.fake.orders.filter((o) => o.clientOrderId === first.body.clientOrderId)).toHaveLength(1);
  });

  // The API answers in French, naming the field; the attempt keeps those words and, beside them, the same refusal
  // as data, for the web app to word in the reader's language.
  it.each([
    [
      'a zero quantity',
      { symbol: 'BTC/USDT', amount: '0' },
      'amount',
      'Quantité : doit être supérieur à 0',
      { kind: 'notPositive', field: 'amount', params: {} },
    ],
    [
      'a negative quantity',
      { symbol: 'BTC/USDT', amount: '-1' },
      'amount',
      'Quantité : doit être supérieur à 0',
      { kind: 'notPositive', field: 'amount', params: {} },
    ],
    [
      'an unknown symbol',
      { symbol: 'NOPE/USDT', amount: '1' },
      'symbol',
      "Paire : NOPE/USDT n'existe pas sur Binance",
      { kind: 'unknownSymbol', field: 'symbol', params: { symbol: 'NOPE/USDT', exchange: 'Binance' } },
      'UNKNOWN_SYMBOL',
    ],
    [
      'too many decimals',
      { symbol: 'BTC/USDT', amount: '0.000123' },
      'amount',
      'Quantité : 5 décimales au plus (pas de 0.00001)',
      { kind: 'tooManyDecimals', field: 'amount', params: { decimals: 5, step: '0.00001' } },
    ],
    [
      'less than the minimum notional',
      { symbol: 'BTC/USDT', amount: '0.0001' },
      'amount',
      'Montant : minimum 5 USDT (2.6 demandé)',
      { kind: 'minCost', field: 'quoteAmount', params: { min: '5', quote: 'USDT', asked: '2.6' } },
    ],
    [
      'a limit price off the tick',
      { symbol: 'BTC/USDT', amount: '0.01', type: 'limit', price: '25000.001' },
      'price',
      'Prix : 2 décimales au plus (pas de 0.01)',
      { kind: 'tooManyDecimals', field: 'price', params: { decimals: 2, step: '0.01' } },
    ],
  ])(
    'refuses %s with the field named, sends nothing and records the attempt',
    async (_case, input, field, message, reason, code = 'INVALID_ORDER') => {
      const client = await signedInClient(stack.app);
      const brokerId = await binanceBroker(client);
      const sent = ordersSent();
      const res = await client.send('post', '/api/trading/orders', { brokerId, side: 'buy', type: 'market', ...input });
      expect(res.status).toBe(400);
      expect(res.body.error).toEqual({ code, message, field });
      expect(ordersSent()).toBe(sent);
      const trades = (await client.get('/api/trades').expect(200)).body;
      expect(trades).toEqual([
        expect.objectContaining({
          status: 'rejected',
          errorCode: code,
          errorMessage: message,
          errorReason: reason,
          source: 'manual',
        }),
      ]);
      const row = await stack.app.db('trades').where({ id: trades[0].id }).first('error_reason');
      expect(row.error_reason).toEqual(reason);
    },
  );

  it("records an exchange's own refusal in its words, with no reason to word again", async () => {
    const client = await signedInClient(stack.app);
    const brokerId = await binanceBroker(client);
    // 1 BTC at 26,000 is more than the account's 20,000 USDT: Binance refuses it, not our checks.
    const res = await sendOrder(client, brokerId, { amount: '1' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INSUFFICIENT_FUNDS');
    const [trade] = (await client.get('/api/trades').expect(200)).body;
    expect(trade).toMatchObject({
      status: 'rejected',
      errorCode: 'INSUFFICIENT_FUNDS',
      errorMessage: res.body.error.message,
      errorReason: null,
    });
    expect(trade.errorMessage).toMatch(/^Fonds insuffisants sur Binance/);
  });

  it('lists open orders and cancels one', async () => {
    const client = await signedInClient(stack.app);
    const brokerId = await binanceBroker(client);
    const placed = await sendOrder(client, brokerId, { type: 'limit', amount: '0.01', price: '20000' });
    expect(placed.body).toMatchObject({ status: 'open', price: '20000' });
    const open = (await client.get(`/api/trading/orders/open?brokerId=${brokerId}`).expect(200)).body;
    expect(open.map((o: { id: string }) => o.id)).toContain(placed.body.exchangeOrderId);
    const cancelled = await client.send(
      'delete',
      `/api/trading/orders/${placed.body.exchangeOrderId}?brokerId=${brokerId}`,
    );
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('canceled');
    expect((await client.get('/api/trades').expect(200)).body[0]).toMatchObject({ status: 'canceled' });
  });

  it('never calls the exchange faster than its rate limit, and sends at once what the limit allows', async () => {
    const client = await signedInClient(stack.app);
    const brokerId = await binanceBroker(client);
    // One call first, so the measured ones do not include compiling ccxt's code paths (which delays sends unevenly).
    await client.get(`/api/trading/portfolio?brokerId=${brokerId}`).expect(200);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const from = stack.fake.requests.length;
    await Promise.all(
      Array.from({ length: 24 }, () => client.get(`/api/trading/portfolio?brokerId=${brokerId}`).expect(200)),
    );
    // The account's own requests: public ones (prices for the valuation) are paced apart, per source.
    const sent = stack.fake.requests.slice(from).filter((r) => r.apiKey !== null);
    expect(sent.filter((r) => r.path === '/api/v3/account')).toHaveLength(24);
    const times = sent.map((r) => r.at);
    // ccxt's rateLimit for Binance is 50 ms (55 with our tenth): 18 requests in any 990 ms. Those leave one job
    // after another without waiting on each other (spaced by 55 ms, twelve would span 605 ms); the 19th waits for
    // the first to leave the window. Twelve within 550 ms: a loaded CI machine delays a burst (469 ms seen), and
    // spaced sends could not do it in less than 605.
    expect(mostInWindow(times, 1000)).toBeLessThanOrEqual(18);
    expect(times[11]! - times[0]!).toBeLessThan(550);
    expect(times[18]! - times[0]!).toBeGreaterThanOrEqual(990 - 40);
  });

  it("keeps user A's broker, orders and trades out of user B's reach", async () => {
    const alice = await signedInClient(stack.app);
    const bob = await signedInClient(stack.app);
    const brokerId = await binanceBroker(alice);
    const placed = await sendOrder(alice, brokerId, { type: 'limit', amount: '0.01', price: '20000' });
    const sent = ordersSent();
    const answers = {
      portfolio: (await bob.get(`/api/trading/portfolio?brokerId=${brokerId}`)).status,
      open: (await bob.get(`/api/trading/orders/open?brokerId=${brokerId}`)).status,
      order: (await sendOrder(bob, brokerId, { side: 'sell', amount: '0.01' })).status,
      cancel: (await bob.send('delete', `/api/trading/orders/${placed.body.exchangeOrderId}?brokerId=${brokerId}`))
        .status,
      markets: (await bob.send('post', `/api/brokers/${brokerId}/markets`)).status,
    };
    expect(answers).toEqual({ portfolio: 404, open: 404, order: 404, cancel: 404, markets: 404 });
    expect(ordersSent()).toBe(sent);
    expect((await bob.get('/api/trades').expect(200)).body).toEqual([]);
    // Naming A's broker in the filter is refused like a broker that does not exist.
    expect((await bob.get(`/api/trades?brokerId=${brokerId}`)).status).toBe(404);
    expect((await alice.get('/api/trades').expect(200)).body).toHaveLength(1);
  });
});

describe('Binance out of reach', () => {
  let stack: Awaited<ReturnType<typeof startTradingStack>>;
  beforeAll(async () => {
    stack = await startTradingStack();
  });
  afterAll(() => stack.close());

  it("answers with our own sentence only: not ccxt's method, signed URL and socket error", async () => {
    const client = await signedInClient(stack.app);
    const brokerId = await binanceBroker(client);
    await stack.fake.close();
    const res = await client.get(`/api/trading/portfolio?brokerId=${brokerId}`);
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({
      code: 'EXCHANGE_UNAVAILABLE',
      message: 'Binance est injoignable, réessayez plus tard',
    });
    expect(JSON.stringify(res.body)).not.toContain(new URL(stack.url).host);
  });
});
