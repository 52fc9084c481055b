// The paper exchange: every new user trades at real prices (here the fake Binance's) without API keys. Market
// orders fill at the last price plus slippage with the taker fee, limit orders rest with their funds locked until
// cancelled, and every attempt is in /api/trades.
import { paperBrokerOf, sendOrder, signedInClient, startTradingStack } from '../helpers/trading';

describe('paper trading', () => {
  let stack: Awaited<ReturnType<typeof startTradingStack>>;
  beforeAll(async () => {
    stack = await startTradingStack();
  });
  afterAll(() => stack.close());

  it('fills a market buy at the last price plus slippage, charges the taker fee, and values the portfolio', async () => {
    const client = await signedInClient(stack.app);
    const brokerId = await paperBrokerOf(client);
    const res = await client.send('post', '/api/trading/orders', {
      brokerId,
      symbol: 'BTC/USDT',
      side: 'buy',
      type: 'market',
      amount: '0.1',
    });
    expect(res.status).toBe(201);
    // 26000 × 1.001 = 26026; cost 2602.6; fee 0.1 % = 2.6026 USDT.
    expect(res.body).toMatchObject({
      source: 'manual',
      status: 'closed',
      symbol: 'BTC/USDT',
      quantity: '0.1',
      filledQuantity: '0.1',
      averagePrice: '26026',
      fee: '2.6026',
      feeCurrency: 'USDT',
    });
    const portfolio = (await client.get(`/api/trading/portfolio?brokerId=${brokerId}`).expect(200)).body;
    expect(portfolio.assets).toEqual([
      { asset: 'BTC', free: '0.1', used: '0', total: '0.1', priceUsd: '26000', valueUsd: '2600' },
      { asset: 'USDT', free: '7394.7974', used: '0', total: '7394.7974', priceUsd: '1', valueUsd: '7394.7974' },
    ]);
    expect(portfolio.totalUsd).toBe('9994.7974');
    const trades = (await client.get('/api/trades').expect(200)).body;
    expect(trades.map((t: { id: number }) => t.id)).toEqual([res.body.id]);
    const ticker = (await client.get(`/api/trading/ticker?brokerId=${brokerId}&symbol=BTC/USDT`).expect(200)).body;
    expect(ticker).toEqual({ symbol: 'BTC/USDT', last: '26000' });
  });

  it('buys for a quote amount, rounded down to the market step', async () => {
    const client = await signedInClient(stack.app);
    const res = await client.send('post', '/api/trading/orders', {
      symbol: 'ETH/USDT',
      side: 'buy',
      type: 'market',
      quoteAmount: '100',
    });
    expect(res.status).toBe(201);
    // 100 / 1600 = 0.0625, ETH/USDT's step is 0.0001.
    expect(res.body).toMatchObject({ quantity: '0.0625', quoteAmount: '100', status: 'closed' });
  });

  it('locks the funds of a resting limit order, lists it open, and gives them back on cancel', async () => {
    const client = await signedInClient(stack.app);
    const brokerId = await paperBrokerOf(client);
    const placed = await sendOrder(client, brokerId, { type: 'limit', amount: '0.01', price: '25000' });
    expect(placed.status).toBe(201);
    expect(placed.body.status).toBe('open');
    const balance = async () =>
      (await client.get(`/api/trading/portfolio?brokerId=${brokerId}`).expect(200)).body.assets[0];
    // 0.01 × 25000 = 250, plus the 0.1 % maker fee.
    expect(await balance()).toMatchObject({ asset: 'USDT', free: '9749.75', used: '250.25' });
    const open = (await client.get(`/api/trading/orders/open?brokerId=${brokerId}`).expect(200)).body;
    expect(open).toEqual([
      expect.objectContaining({ id: placed.body.exchangeOrderId, status: 'open', price: '25000' }),
    ]);

    const cancelled = await client.send(
      'delete',
      `/api/trading/orders/${placed.body.exchangeOrderId}?brokerId=${brokerId}`,
    );
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('canceled');
    expect(await balance()).toMatchObject({ asset: 'USDT', free: '10000', used: '0' });
    const trade = (await client.get('/api/trades').expect(200)).body[0];
    expect(trade).toMatchObject({ id: placed.body.id, status: 'canceled' });
    expect((await client.get(`/api/trading/orders/open?brokerId=${brokerId}`).expect(200)).body).toEqual([]);
  });

  it('answers "order not found" for an order id of digits too long for any order', async () => {
    const client = await signedInClient(stack.app);
    const brokerId = await paperBrokerOf(client);
    for (const id of ['99999999999999999999999', '9223372036854775808', '12345']) {
      const res = await client.send('delete', `/api/trading/orders/${id}?brokerId=${brokerId}&symbol=BTC/USDT`);
      expect({ id, status: res.status, code: res.body.error?.code }).toEqual({
        id,
        status: 404,
        code: 'ORDER_NOT_FOUND',
      });
    }
  });

  it('fills a resting limit order once the market trades through its price', async () => {
    const client = await signedInClient(stack.app);
    const brokerId = await paperBrokerOf(client);
    const placed = await client.send('post', '/api/trading/orders', {
      symbol: 'BNB/USDT',
      side: 'buy',
      type: 'limit',
      amount: '1',
      price: '200',
    });
    expect(placed.body.status).toBe('open');
    stack.fake.setPrice('BNBUSDT', '199.50000000');
    try {
      const portfolio = (await client.get(`/api/trading/portfolio?brokerId=${brokerId}`).expect(200)).body;
      expect(portfolio.assets.find((a: { asset: string }) => a.asset === 'BNB')).toMatchObject({ total: '1' });
      // At the limit price, maker fee: 200 + 0.2.
      expect(portfolio.assets.find((a: { asset: string }) => a.asset === 'USDT')).toMatchObject({
        free: '9799.8',
        used: '0',
      });
    } finally {
      stack.fake.setPrice('BNBUSDT', '210.00000000');
    }
  });

  it('refuses what the account cannot pay, records the attempt, and moves no funds', async () => {
    const client = await signedInClient(stack.app);
    const res = await client.send('post', '/api/trading/orders', {
      symbol: 'BTC/USDT',
      side: 'buy',
      type: 'market',
      amount: '1',
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INSUFFICIENT_FUNDS', field: 'amount' });
    const [trade] = (await client.get('/api/trades').expect(200)).body;
    expect(trade).toMatchObject({
      status: 'rejected',
      errorCode: 'INSUFFICIENT_FUNDS',
      errorMessage: res.body.error.message,
      // The paper exchange is ours: its refusal is kept as data too, for the web app to word in English.
      errorReason: { kind: 'insufficientFunds', field: null, params: { asset: 'USDT', available: '10000' } },
      quantity: '1',
    });
    expect(trade.errorMessage).toMatch(/^Fonds insuffisants : [\d.]+ USDT demandés, 10000 disponibles$/);
    expect(trade.errorMessage).toContain(`${trade.errorReason.params.asked} USDT demandés`);
    const portfolio = (await client.get('/api/trading/portfolio').expect(200)).body;
    expect(portfolio.assets).toEqual([expect.objectContaining({ asset: 'USDT', free: '10000' })]);
  });
});
