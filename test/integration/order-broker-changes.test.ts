// An order does not read its broker again once the web process and the broker actor have seen it (that read was on
// the path of every order); the trade's insert checks the broker instead. These tests change the broker between two
// orders and expect the second one to see the change: switched off, new credentials, deleted.
import { binanceBroker, sendOrder, signedInClient, startTradingStack } from '../helpers/trading';

const KEY2 = 'Q7gZpKw2mV9xT4rB8nL1cY6hJ3dF5sA0eU2iO7tR9wE4qM1zX8vC6bN3kH5gD2fS';
const SECRET2 = 'P1oI9uY8tR7eW6qA5sD4fG3hJ2kL1zX0cV9bN8mQ7wE6rT5yU4iO3pA2sD1fG0hJ';

describe('orders after their broker changed', () => {
  let stack: Awaited<ReturnType<typeof startTradingStack>>;
  beforeAll(async () => {
    stack = await startTradingStack();
    stack.fake.addAccount({
      apiKey: KEY2,
      secret: SECRET2,
      balances: [{ asset: 'USDT', free: '5000.00000000', locked: '0.00000000' }],
    });
  });
  afterAll(() => stack.close());

  const orderPosts = () => stack.fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/v3/order');

  it('refuses an order on a broker switched off since the last order, and takes them again once it is on', async () => {
    const client = await signedInClient(stack.app);
    const brokerId = await binanceBroker(client);
    expect((await sendOrder(client, brokerId)).status).toBe(201);
    expect((await client.send('put', `/api/brokers/${brokerId}`, { isActive: false })).status).toBe(200);
    const sent = orderPosts().length;
    const trades = (await client.get('/api/trades').expect(200)).body.length;

    // First an order our checks would refuse too: the broker being off comes first, and no refusal is written.
    const tiny = await sendOrder(client, brokerId, { amount: '0.00000001' });
    expect(tiny.status).toBe(400);
    expect(tiny.body.error.code).toBe('BROKER_INACTIVE');
    const refused = await sendOrder(client, brokerId);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      code: 'BROKER_INACTIVE',
      field: 'brokerId',
      message: 'Broker : « Binance » est désactivé',
    });
    expect(orderPosts()).toHaveLength(sent);
    expect((await client.get('/api/trades').expect(200)).body).toHaveLength(trades);

    expect((await client.send('put', `/api/brokers/${brokerId}`, { isActive: true })).status).toBe(200);
    expect((await sendOrder(client, brokerId)).status).toBe(201);
    expect(orderPosts()).toHaveLength(sent + 1);
  });

  it('signs the next order with the credentials the user just changed', async () => {
    const client = await signedInClient(stack.app);
    const brokerId = await binanceBroker(client);
    expect((await sendOrder(client, brokerId)).status).toBe(201);
    expect(orderPosts().at(-1)!.apiKey).not.toBe(KEY2);

    const changed = await client.send('put', `/api/brokers/${brokerId}`, {
      credentials: { apiKey: KEY2, secret: SECRET2 },
    });
    expect(changed.status).toBe(200);
    expect((await sendOrder(client, brokerId)).status).toBe(201);
    expect(orderPosts().at(-1)!.apiKey).toBe(KEY2);
  });

  it('answers 404 for an order on a broker deleted since the last order, and sends nothing', async () => {
    const client = await signedInClient(stack.app);
    const brokerId = await binanceBroker(client);
    expect((await sendOrder(client, brokerId)).status).toBe(201);
    expect((await client.send('delete', `/api/brokers/${brokerId}`)).status).toBe(204);
    const sent = orderPosts().length;

    const refused = await sendOrder(client, brokerId);
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe('BROKER_NOT_FOUND');
    expect(orderPosts()).toHaveLength(sent);
  });
});
