// Exactly-once webhook orders across a crash: the worker process (webhook actor and broker actor) is killed
// (SIGKILL) once the exchange accepted the webhook's order and before our database recorded it. Another worker takes
// the stalled jobs over: the order is found by its client order id, and the exchange holds one order, the database
// one trade and one position, the webhook `processed` with that trade.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { binanceBroker, signedInClient, startTradingStack } from '../helpers/trading';
import { until } from '../helpers/wait';
import { createSource, pathOf, postWebhook } from '../helpers/webhooks';

const ROOT = path.resolve(__dirname, '..', '..');

describe('webhook order recovery', () => {
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
        SANDBOX_THREADS: '1',
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

  it('orders once when the worker dies between the exchange and the database', async () => {
    const first = startWorker();
    const client = await signedInClient(stack.app);
    const brokerId = await binanceBroker(client);
    expect((await client.send('post', `/api/brokers/${brokerId}/markets`)).status).toBeLessThan(300);
    await until(
      () =>
        stack.app
          .db('exchange_symbols')
          .where({ exchange: 'binance', symbol: 'BTC/USDT' })
          .whereNotNull('amount_precision')
          .first(),
      30_000,
    );
    const source = await createSource(client, { brokerId, symbol: 'BTC/USDT', size: { quantity: '0.001' } });
    let killed = false;
    stack.fake.onOrderAccepted = async () => {
      if (killed) return;
      killed = true;
      const exited = new Promise((resolve) => first.once('exit', resolve));
      first.kill('SIGKILL');
      await exited;
      startWorker();
    };
    const res = await postWebhook(stack.app, pathOf(source), { action: 'buy', id: 'crash-1' });
    expect(res.body.status).toBe('received');

    const hook = await until(
      () => stack.app.db('webhooks').where({ id: res.body.id }).whereNot({ status: 'received' }).first(),
      50_000,
    );
    expect(killed).toBe(true);
    expect(hook.status).toBe('processed');
    const trades = await stack.app.db('trades').where({ webhook_id: res.body.id });
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ status: 'closed', source: 'webhook' });
    expect(Number(hook.trade_id)).toBe(Number(trades[0].id));
    expect(stack.fake.orders.filter((o) => o.clientOrderId === trades[0].client_order_id)).toHaveLength(1);
    const positions = await stack.app.db('positions').where({ webhook_source_id: source.id });
    expect(positions).toHaveLength(1);
    expect(positions[0]).toMatchObject({ status: 'open', entry_trade_id: trades[0].id });
  }, 80_000);
});
