// Strategy code never runs on an event loop that serves other users or places orders. While four hostile
// validations burn their whole CPU budget, the web process still answers /api/health within 50 ms (p99) and a paper
// order takes about its usual time; while a backtest runs a CPU-heavy strategy, the broker actor beside it (the same
// process's event loop) places an order in about its usual time. On the code that validated and simulated on the
// caller's event loop, both stalled for seconds.
import { percentile } from '../../bench/harness';
import { EXAMPLE_STRATEGY } from '../../core/sandbox/templates';
import { listen, signedInClient, uniqueName, type Client } from '../helpers/app';
import { startBacktestWorker } from '../helpers/brokers';
import { BUDGET_BURNERS } from '../helpers/hostile-strategies';
import { importCandles } from '../helpers/backtests';
import { btcHourlyCandles } from '../helpers/market-data';
import { paperBrokerOf, sendOrder, startTradingStack } from '../helpers/trading';
import { until } from '../helpers/wait';

const HOSTILE = BUDGET_BURNERS;

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

/**
 * An order while strategies run: about its usual time. The bounds are generous because the machine that runs the
 * suite is shared: the threads are niced below this process's event loop, but their CPU is taken from the whole
 * machine. On the event loop, the strategies held it for seconds.
 */
const ORDER_BOUND = (usual: number) => 2 * usual + 150;
/** /api/health's p99 while they run: the target is 50 ms; here, 100 ms over its own p99 when nothing runs. */
const HEALTH_BOUND = (idleP99: number) => idleP99 + 100;
const ROUNDS = 2;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe('sandbox isolation', () => {
  let stack: Awaited<ReturnType<typeof startTradingStack>>;
  let server: Awaited<ReturnType<typeof listen>>;
  let backtests: { close(): Promise<void> };

  beforeAll(async () => {
    stack = await startTradingStack({ SANDBOX_THREADS: '2', SANDBOX_VALIDATION_BUDGET_MS: '2000' });
    server = await listen(stack.app);
    backtests = await startBacktestWorker(stack.app);
  });
  afterAll(async () => {
    await backtests.close();
    await server.close();
    await stack.close();
  });

  const health = () => timed(() => fetch(`${server.url}/api/health`).then((res) => res.status));

  /** Orders one after the other, their latencies. */
  async function orders(client: Client, brokerId: number, n: number): Promise<number[]> {
    const ms: number[] = [];
    for (let k = 0; k < n; k++) {
      const { ms: took, value } = await timed(() => sendOrder(client, brokerId));
      expect(value.status).toBe(201);
      ms.push(took);
    }
    return ms;
  }

  it('answers /api/health in about its idle time and places an order in about its usual time while four hostile validations run', async () => {
    const trader = await signedInClient(stack.app);
    const brokerId = await paperBrokerOf(trader);
    await orders(trader, brokerId, 3); // markets and prices loaded, connections warm
    const users = await Promise.all(HOSTILE.map(() => signedInClient(stack.app)));
    // The threads start (and compile the sandbox) once: not what is measured.
    await users[0].send('post', '/api/strategies/validate', { code: EXAMPLE_STRATEGY });
    const idle: number[] = [];
    for (let k = 0; k < 100; k++) idle.push((await health()).ms);
    const usual = median(await orders(trader, brokerId, 5));

    const latencies: number[] = [];
    const during: number[] = [];
    const answers: { status: number; body: unknown }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      let running = HOSTILE.length;
      const validations = HOSTILE.map((code, k) =>
        users[k].send('post', '/api/strategies/validate', { code }).finally(() => running--),
      );
      while (running > 0) {
        latencies.push((await health()).ms);
        if (during.length <= round && running === HOSTILE.length) during.push(...(await orders(trader, brokerId, 1)));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      answers.push(...(await Promise.all(validations)));
    }

    // On the event loop they stalled it for seconds: one health answer per round at most while they ran.
    const p99 = percentile(
      [...latencies].sort((a, b) => a - b),
      99,
    );
    expect(p99).toBeLessThan(
      HEALTH_BOUND(
        percentile(
          [...idle].sort((a, b) => a - b),
          99,
        ),
      ),
    );
    expect(latencies.length).toBeGreaterThan(20 * ROUNDS);
    expect(during.length).toBeGreaterThan(0);
    expect(median(during)).toBeLessThan(ORDER_BOUND(usual));
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ok: false, error: { message: expect.stringMatching(/dépassé/) } });
    }
  }, 90_000);

  it('places an order in its usual time while a backtest simulates a CPU-heavy strategy in the same worker', async () => {
    const client = await signedInClient(stack.app);
    const brokerId = await paperBrokerOf(client);
    await orders(client, brokerId, 2);
    const usual = median(await orders(client, brokerId, 5));
    const rows = btcHourlyCandles(30_000, 32_000);
    const source = await importCandles(client, rows);
    const heavy = EXAMPLE_STRATEGY.replace(
      'if (this.candles.length < 21) return false; // pas assez de données',
      'for (let k = 0; k < 2e5; k++) Math.sqrt(k); if (this.candles.length < 21) return false;',
    );
    const strategy = await client.send('post', '/api/strategies', {
      name: uniqueName('s'),
      timeframe: '1h',
      code: heavy,
    });
    expect(strategy.status).toBe(201);
    const launched = await client.send('post', '/api/backtests', {
      strategyId: strategy.body.id,
      source,
      symbol: 'BTC/USDT',
      timeframe: '1h',
      from: new Date(rows[0][0]).toISOString(),
      to: new Date(rows[1999][0]).toISOString(),
      initialAmount: '10000',
    });
    expect(launched.status).toBe(201);
    const id = launched.body.id;
    const status = async () => (await client.get(`/api/backtests/${id}`)).body.status as string;
    await until(async () => (await status()) === 'running', 20_000);
    const during = await orders(client, brokerId, 3);
    expect(await status()).toBe('running');
    expect(median(during)).toBeLessThan(ORDER_BOUND(usual));
    await client.send('post', `/api/backtests/${id}/cancel`);
    await until(async () => (await status()) === 'cancelled', 10_000);
  });
});
