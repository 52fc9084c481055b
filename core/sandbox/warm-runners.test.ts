import { hostileCandles as candles } from '../../test/helpers/hostile-strategies';
import { StrategyError } from './strategy-error';
import type { SandboxLimits } from './limits';
import { WarmRunners } from './warm-runners';

const LIMITS: SandboxLimits = { memoryMb: 64, timeoutMs: 500, budgetMs: 5000 };
const FLAT = { balance: 1000, position: null };

/** A strategy whose script counts, at its top level, the closes it decided on; `onClose` runs before it logs. */
function counting(onClose = ''): string {
  return [
    'let closes = 0;',
    'class Counting extends Strategy {',
    `  shouldLong() { closes++; ${onClose} console.log(String(closes)); return false; }`,
    '  shouldShort() { return false; }',
    '  calculatePositionSize() { return 10; }',
    '  calculateStopLoss() { return 0; }',
    '  calculateTakeProfit() { return 0; }',
    '}',
  ].join('\n');
}

/** One live evaluation as the sandbox child runs it: load, a new instance, a decision on the last candle. */
function evaluate(warm: WarmRunners, owner: string, code: string, limits = LIMITS, n = 20): string[] {
  const runner = warm.take(owner, code, limits);
  try {
    runner.load(candles(n));
    runner.start(1000, 'spot');
    runner.run(n - 1, n, FLAT);
    return runner.logs().map((line) => line.replace(/^log /, ''));
  } finally {
    warm.release(runner);
  }
}

describe('warm strategy runners', () => {
  let warm: WarmRunners;
  beforeEach(() => {
    warm = new WarmRunners(8);
  });
  afterEach(() => warm.resize(0));

  it('serves one owner and one code from the same runner, and never another owner or code', () => {
    const code = counting();
    expect(evaluate(warm, 'user-1', code)).toEqual(['1']);
    expect(evaluate(warm, 'user-1', code)).toEqual(['2']);
    expect(evaluate(warm, 'user-2', code)).toEqual(['1']);
    expect(evaluate(warm, 'user-1', counting('/* edited */'))).toEqual(['1']);
    expect(evaluate(warm, 'user-1', code, { ...LIMITS, memoryMb: 32 })).toEqual(['1']);
    expect(warm.count).toBe(4);
  });

  it('gives a warm runner the whole budget again on each evaluation', () => {
    // About 150 ms of CPU per close against a 400 ms budget: the third close on one budget would be refused.
    const code = counting('const end = Date.now() + 150; while (Date.now() < end) {}');
    const limits = { ...LIMITS, budgetMs: 400 };
    for (let close = 1; close <= 5; close++) expect(evaluate(warm, 'user-1', code, limits)).toEqual([String(close)]);
    expect(warm.count).toBe(1);
  });

  it('does not reuse a runner that failed: the next evaluation starts on a new one', () => {
    const code = counting('if (closes === 2) while (true) {}');
    expect(evaluate(warm, 'user-1', code)).toEqual(['1']);
    expect(() => evaluate(warm, 'user-1', code)).toThrow(StrategyError);
    expect(evaluate(warm, 'user-1', code)).toEqual(['1']);
  });

  it('keeps a strategy warm over many closes, but not one that holds a large heap', () => {
    const code = counting();
    for (let close = 1; close <= 60; close++) {
      expect(evaluate(warm, 'user-1', code, LIMITS, 501)).toEqual([String(close)]);
    }
    // 24 MB kept by the script's top level: under the 64 MB limit, over what a warm runner may hold.
    const big = `const kept = new Float64Array(3_000_000).fill(1);\n${counting('closes += kept[0] - 1;')}`;
    expect(evaluate(warm, 'user-1', big)).toEqual(['1']);
    expect(evaluate(warm, 'user-1', big)).toEqual(['1']);
    expect(warm.count).toBe(1);
  });

  it('disposes the least recently used runners beyond its size', () => {
    warm.resize(2);
    const [a, b, c] = ['a', 'b', 'c'].map((name) => counting(`/* ${name} */`));
    const first = warm.take('user-1', a, LIMITS);
    const second = warm.take('user-1', b, LIMITS);
    expect(warm.take('user-1', a, LIMITS)).toBe(first);
    warm.take('user-1', c, LIMITS);
    expect(second.isDisposed).toBe(true);
    expect(first.isDisposed).toBe(false);
    expect(warm.count).toBe(2);
    warm.resize(1);
    expect(first.isDisposed).toBe(true);
    expect(warm.count).toBe(1);
  });
});
