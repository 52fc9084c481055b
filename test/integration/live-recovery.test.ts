// Exactly-once live orders across a crash: the worker process that evaluates a strategy (and hosts the broker
// actor) is killed (SIGKILL) once the exchange accepted the strategy's order and before our database recorded it or
// the position. Another worker takes both stalled jobs over: the order is found by its client order id, the
// evaluation runs again with the same business keys, and the exchange holds one order, the database one position.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { openQueue } from '../../queues/connection';
import { jobIds } from '../../queues/jobs';
import { QUEUES } from '../../queues/names';
import { activation, savedStrategy, storeRows } from '../helpers/live';
import { btcHourlyCandles } from '../helpers/market-data';
import { binanceBroker, signedInClient, startTradingStack } from '../helpers/trading';
import { until } from '../helpers/wait';

const ROOT = path.resolve(__dirname, '..', '..');
const H = 3_600_000;

/** Buys on the close of a green candle with a tenth of the balance. */
const BUY_ON_GREEN = `class Green extends Strategy {
  shouldLong() { return this.candles.close.at(-1) > this.candles.open.at(-1); }
  calculatePositionSize() { return this.balance * 0.1; }
}`;

describe('live order recovery', () => {
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
        // The last hour's close, however far into the hour the test runs.
        HEARTBEAT_REPLAY_MAX_SECONDS: '7200',
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

  it('orders once and records one position when the worker dies between the exchange and the database', async () => {
    // Real candles moved to end at the last hour, so the tick is within the replay window; the last one is green.
    const real = btcHourlyCandles(37_000, 37_100);
    const green = real.findLastIndex(([, o, , , c]) => c > o);
    const rows = real.slice(0, green + 1);
    const lastOpen = Math.floor(Date.now() / H) * H - H;
    const shift = lastOpen - rows.at(-1)![0];
    const moved = rows.map(([t, ...rest]) => [t + shift, ...rest]);
    await storeRows(stack.app, moved, { source: 'binance', symbol: 'BTC/USDT', timeframe: '1h' }, H);

    const first = startWorker();
    const client = await signedInClient(stack.app);
    const brokerId = await binanceBroker(client);
    const strategyId = await savedStrategy(client, BUY_ON_GREEN);
    const id = await activation(stack.app, {
      userId: client.user!.id,
      strategyId,
      brokerId,
      from: moved[0][0],
      to: lastOpen + 10 * H,
    });

    // The market's rules, loaded for the new broker's exchange: what the strategy's order is sized with.
    await until(
      () => stack.app.db('exchange_symbols').where({ exchange: 'binance', symbol: 'BTC/USDT' }).first(),
      30_000,
    );
    let killed = false;
    stack.fake.onOrderAccepted = async () => {
      if (killed) return;
      killed = true;
      const exited = new Promise((resolve) => first.once('exit', resolve));
      first.kill('SIGKILL');
      await exited;
      startWorker();
    };
    const closeTime = lastOpen + H - 1;
    const ticks = openQueue(QUEUES.tick, stack.app.config.REDIS_URL, stack.app.config.QUEUE_PREFIX);
    await ticks.add('tick', { timeframe: '1h', closeTime }, { jobId: jobIds.tick('1h', closeTime) });
    await ticks.close();

    const position = await until(() => stack.app.db('positions').where({ active_strategy_id: id }).first(), 50_000);
    expect(killed).toBe(true);
    expect(position).toMatchObject({ status: 'open', side: 'long' });
    const trades = await stack.app.db('trades').where({ active_strategy_id: id });
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ status: 'closed', source: 'strategy' });
    expect(Number(position.entry_trade_id)).toBe(Number(trades[0].id));
    const atExchange = stack.fake.orders.filter((o) => o.clientOrderId === trades[0].client_order_id);
    expect(atExchange).toHaveLength(1);
    // Binance takes a buy's fee in the base asset (the recovered order's fee is read from its trades): the position
    // holds what is left of it, on the market's 0.00001 step.
    expect(trades[0].fee_currency).toBe('BTC');
    const left = Number(trades[0].filled_quantity) - Number(trades[0].fee);
    expect(Number(position.quantity)).toBeCloseTo(Math.floor(left * 1e5 + 1e-9) / 1e5, 12);
    const row = await stack.app.db('active_strategies').where({ id }).first();
    expect(new Date(row.last_close_time).getTime()).toBe(closeTime);
  }, 80_000);
});
