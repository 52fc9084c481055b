// The sandbox pool runs strategies in child processes: it must answer as the in-process sandbox does, take the
// caller's candles off its hands, stop a backtest when asked, keep one user from holding it, and survive a child
// that spins or dies (the task fails with a French StrategyError, the next one runs in a fresh child).
import path from 'node:path';
import pino from 'pino';
import { simulate, type SimulationSettings } from '../backtest/engine';
import { RateLimitError } from '../errors';
import type { SandboxLimits } from './limits';
import { SandboxPool } from './sandbox-pool';
import { simulateInPool, validateInPool, type SandboxTaskTypes } from './sandbox-pool-tasks';
import { StrategyError } from './strategy-error';
import { COLUMNS, StrategyRunner, type CandleColumns } from './strategy-runner';
import { EXAMPLE_STRATEGY } from './templates';

type Misbehaving = SandboxTaskTypes & {
  spin: { input: null; output: never };
  exit: { input: null; output: never };
  exhaust: { input: null; output: never };
  sleep: { input: number; output: number };
};

const LIMITS: SandboxLimits = { memoryMb: 64, timeoutMs: 500, budgetMs: 5000 };
const SETTINGS: SimulationSettings = {
  initialAmount: '10000',
  fee: '0.001',
  slippage: '0.0005',
  fill: 'close',
  market: 'spot',
  timeframeMs: 60_000,
};
const logger = pino({ level: 'silent' });
const entry = path.join(__dirname, '../../test/helpers/misbehaving-sandbox-thread.ts');
const pools: SandboxPool<Misbehaving>[] = [];

function pool(options: Partial<ConstructorParameters<typeof SandboxPool>[0]> = {}): SandboxPool<Misbehaving> {
  const created = new SandboxPool<Misbehaving>({ size: 1, logger, entry, ...options });
  pools.push(created);
  return created;
}

function candles(n: number): CandleColumns {
  const out = Object.fromEntries(COLUMNS.map((c) => [c, new Float64Array(n)])) as CandleColumns;
  for (let i = 0; i < n; i++) {
    const price = 100 + 10 * Math.sin(i / 50) + Math.sin(i / 7);
    out.open[i] = price - 0.2;
    out.high[i] = price + 1;
    out.low[i] = price - 1;
    out.close[i] = price;
    out.volume[i] = 1;
    out.time[i] = 1_600_000_000_000 + i * 60_000;
  }
  return out;
}

// Starting a child compiles the sandbox's modules (TypeScript's compiler among them): the tests share one when
// they can.
let shared: SandboxPool<Misbehaving>;
beforeAll(() => {
  shared = new SandboxPool<Misbehaving>({ size: 1, logger, entry });
});
afterAll(() => shared.close());
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

test('validates in a child with the in-process answer, the line of a runtime error included', async () => {
  const sandbox = shared;
  const ok = await validateInPool(sandbox as unknown as SandboxPool, 'u1', EXAMPLE_STRATEGY, LIMITS);
  expect(ok).toMatchObject({ ok: true, candles: 500 });
  const broken = EXAMPLE_STRATEGY.replace('return', 'return undefinedThing +');
  const refused = await validateInPool(sandbox as unknown as SandboxPool, 'u1', broken, LIMITS);
  expect(refused).toMatchObject({ ok: false, error: { message: expect.stringMatching(/undefinedThing/) } });
  expect((refused as { error: { line: number } }).error.line).toBeGreaterThan(1);
});

test('a validation the pool had to stop answers like a refused strategy, not as a server error', async () => {
  const sandbox = pool() as unknown as SandboxPool;
  const answer = validateInPool(sandbox, 'u1', EXAMPLE_STRATEGY, LIMITS);
  await sandbox.close();
  await expect(answer).resolves.toEqual({
    ok: false,
    error: { message: 'Le bac à sable des stratégies est arrêté.', line: null, column: null },
  });
});

test('a simulation in the pool trades exactly as in process, and the candles come back', async () => {
  const sandbox = shared as unknown as SandboxPool;
  const local = StrategyRunner.create(EXAMPLE_STRATEGY, LIMITS);
  local.load(candles(20_000));
  const expected = await simulate(local, candles(20_000), SETTINGS, { checkpoint: () => false });
  local.dispose();
  const sent = candles(20_000);
  const progress: number[] = [];
  const { simulation, candles: back } = await simulateInPool(
    sandbox,
    'u1',
    { code: EXAMPLE_STRATEGY, limits: LIMITS, candles: sent, settings: SETTINGS },
    { onProgress: (done) => progress.push(done) },
  );
  expect(sent.close.length).toBe(0); // given up: detached once copied to the child
  expect(back.close).toEqual(candles(20_000).close);
  expect(simulation.trades.length).toBeGreaterThan(10);
  expect(simulation.trades).toEqual(expected.trades);
  expect(simulation.equity).toEqual(expected.equity);
  expect(progress.at(-1)).toBe(20_000);
});

test('a child spinning past its budget is replaced and its task fails in French; the next task runs', async () => {
  const sandbox = pool();
  await sandbox.run('sleep', 'u1', 1, { budgetMs: 1000 });
  const started = Date.now();
  await expect(sandbox.run('spin', 'u1', null, { budgetMs: 200 })).rejects.toThrow(
    new StrategyError("La stratégie a dépassé son budget de calcul (200 ms) : le bac à sable l'a arrêtée."),
  );
  // Niced, the child may take a while in wall time to spend 1.2 s of CPU on a busy machine; never 10 times that.
  expect(Date.now() - started).toBeLessThan(12_500);
  await expect(sandbox.run('sleep', 'u1', 10, { budgetMs: 200 })).resolves.toBe(10);
});

test.each(['exit', 'exhaust'] as const)('a child that dies (%s) fails its task and is replaced', async (kind) => {
  const sandbox = pool({ heapMb: 32 });
  const failure = sandbox.run(kind, 'u1', null, { budgetMs: 60_000 });
  await expect(failure).rejects.toBeInstanceOf(StrategyError);
  await expect(failure).rejects.toThrow(/s'est arrêté brutalement/);
  if (kind === 'exhaust') await expect(failure).rejects.toThrow(/mémoire épuisée/);
  await expect(sandbox.run('sleep', 'u1', 5, { budgetMs: 1000 })).resolves.toBe(5);
});

test('one owner runs one task at a time and may queue few; the others take turns', async () => {
  const sandbox = pool({ size: 2, queue: { perOwner: 2, total: 3 } });
  // Both children started first: what is timed below is the queue, not a child's start on a loaded machine.
  await Promise.all([
    sandbox.run('sleep', 'w1', 1, { budgetMs: 5000 }),
    sandbox.run('sleep', 'w2', 1, { budgetMs: 5000 }),
  ]);
  const order: string[] = [];
  const task = (owner: string, ms: number) =>
    sandbox.run('sleep', owner, ms, { budgetMs: 5000 }).then(() => order.push(`${owner}:${ms}`));
  const a = [task('a', 300), task('a', 20), task('a', 21)];
  const refused = sandbox.run('sleep', 'a', 1, { budgetMs: 5000 });
  await expect(refused).rejects.toBeInstanceOf(RateLimitError);
  await expect(refused).rejects.toMatchObject({ code: 'SANDBOX_OWNER_BUSY' });
  // The second child stays free for another user while a's first task runs.
  const b = task('b', 10);
  await b;
  expect(order).toEqual(['b:10']);
  const c = [task('c', 5), task('d', 5)];
  await expect(sandbox.run('sleep', 'e', 1, { budgetMs: 5000 })).rejects.toMatchObject({ code: 'SANDBOX_BUSY' });
  await Promise.all([...a, ...c]);
  expect(order.slice(0, 2)).toEqual(['b:10', 'c:5']);
  expect(order.indexOf('a:300')).toBeLessThan(order.indexOf('a:20'));
});

test('a running simulation stops at its next slice when cancelled; a waiting one leaves the queue', async () => {
  const sandbox = pool() as unknown as SandboxPool;
  const slow = EXAMPLE_STRATEGY.replace(
    'shouldLong() {',
    'shouldLong() { for (let k = 0; k < 2000; k++) Math.sqrt(k);',
  );
  const stop = new AbortController();
  let progressed = 0;
  const running = simulateInPool(
    sandbox,
    'u1',
    { code: slow, limits: { ...LIMITS, budgetMs: 120_000 }, candles: candles(300_000), settings: SETTINGS },
    {
      signal: stop.signal,
      onProgress: (done) => {
        progressed = done;
        stop.abort();
      },
    },
  );
  const queued = new AbortController();
  const waiting = simulateInPool(
    sandbox,
    'u2',
    { code: slow, limits: LIMITS, candles: candles(10), settings: SETTINGS },
    { signal: queued.signal },
  );
  queued.abort();
  await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  const { simulation } = await running;
  expect(simulation.cancelled).toBe(true);
  expect(progressed).toBeGreaterThan(0);
  expect(progressed).toBeLessThan(300_000);
});

test('a cancelled task that does not stop at a slice has its child replaced within about a second', async () => {
  const sandbox = pool();
  await sandbox.run('sleep', 'u1', 1, { budgetMs: 1000 });
  const stop = new AbortController();
  const spinning = sandbox.run('spin', 'u1', null, { budgetMs: 60_000, signal: stop.signal });
  await new Promise((resolve) => setTimeout(resolve, 100));
  const cancelled = Date.now();
  stop.abort();
  await expect(spinning).rejects.toMatchObject({ name: 'AbortError' });
  expect(Date.now() - cancelled).toBeLessThan(2000);
  await expect(sandbox.run('sleep', 'u1', 5, { budgetMs: 1000 })).resolves.toBe(5);
});
