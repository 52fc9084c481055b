// Exactly-once orders across a crash: the worker process is killed (SIGKILL) after the exchange accepted an order
// and before our database recorded it. Another worker takes the stalled job over, finds the order by its client
// order id, and records it: the exchange holds exactly one order, the user gets their answer.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { binanceBroker, signedInClient, startTradingStack } from '../helpers/trading';

const ROOT = path.resolve(__dirname, '..', '..');

describe('order recovery', () => {
  let stack: Awaited<ReturnType<typeof startTradingStack>>;
  const children: ChildProcess[] = [];

  function startWorker(): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'actors/worker.main.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        QUEUE_PREFIX: stack.app.config.QUEUE_PREFIX,
        EXCHANGE_API_OVERRIDES: JSON.stringify({ binance: stack.url }),
        BROKER_JOB_LOCK_MS: '1000',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.push(child);
    return child;
  }

  beforeAll(async () => {
    stack = await startTradingStack({ BROKER_REPLY_TIMEOUT_MS: '45000' }, false);
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await stack.close();
  });

  it('places the order once when the worker dies between the exchange and the database', async () => {
    const first = startWorker();
    const client = await signedInClient(stack.app);
    const brokerId = await binanceBroker(client);

    let killed = false;
    stack.fake.onOrderAccepted = async () => {
      if (killed) return;
      killed = true;
      const exited = new Promise((resolve) => first.once('exit', resolve));
      first.kill('SIGKILL');
      await exited;
      startWorker();
    };
    const res = await client.send('post', '/api/trading/orders', {
      brokerId,
      symbol: 'BTC/USDT',
      side: 'buy',
      type: 'market',
      amount: '0.02',
      requestId: 'crash-test-0001',
    });
    expect(killed).toBe(true);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'closed', filledQuantity: '0.02' });
    const atExchange = stack.fake.orders.filter((o) => o.clientOrderId === res.body.clientOrderId);
    expect(atExchange).toHaveLength(1);
    expect(String(atExchange[0]!.orderId)).toBe(res.body.exchangeOrderId);
    const trades = await stack.app.db('trades').where({ user_id: client.user!.id });
    expect(trades).toHaveLength(1);
    // The killed worker never answered: the recovered job did, after looking the order up.
    const lookups = stack.fake.requests.filter((r) => r.method === 'GET' && r.path === '/api/v3/order');
    expect(lookups.length).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
