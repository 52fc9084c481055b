import { computeIndicator } from '../indicators/ta';
import { StrategyError } from './strategy-error';
import { hostileCandles as candles } from '../../test/helpers/hostile-strategies';
import { StrategyRunner, type SandboxLimits } from './strategy-runner';
import { EXAMPLE_STRATEGY, TEMPLATE_STRATEGY } from './templates';

const LIMITS: SandboxLimits = { memoryMb: 64, timeoutMs: 500, budgetMs: 5000 };
const FLAT = { balance: 1000, position: null };

/** A strategy class whose shouldLong body is `body`, the other methods plain. */
function strategy(body: string, extra = ''): string {
  return [
    'class Probe extends Strategy {',
    extra,
    `  shouldLong() { ${body} }`,
    '  shouldShort() { return false; }',
    '  calculatePositionSize() { return 10; }',
    '  calculateStopLoss() { return 0; }',
    '  calculateTakeProfit() { return 0; }',
    '}',
  ].join('\n');
}

/** Runs shouldLong on candle `at` and returns the error it raised. */
function failure(code: string, at = 5, limits = LIMITS): StrategyError {
  let runner: StrategyRunner | undefined;
  try {
    runner = StrategyRunner.create(code, limits);
    runner.load(candles(20));
    runner.start(1000, 'spot');
    runner.run(at, at + 1, FLAT);
  } catch (error) {
    expect(error).toBeInstanceOf(StrategyError);
    return error as StrategyError;
  } finally {
    runner?.dispose();
  }
  throw new Error('the strategy did not fail');
}

/** What the strategy logged while deciding on candle `at`. */
function logsOf(code: string, at: number, n = 20): string[] {
  const runner = StrategyRunner.create(code, LIMITS);
  try {
    runner.load(candles(n));
    runner.start(1000, 'spot');
    runner.run(at, at + 1, FLAT);
    return runner.logs().map((line) => line.replace(/^log /, ''));
  } finally {
    runner.dispose();
  }
}

describe('strategy sandbox', () => {
  it('runs the example EMA cross: decisions match crossings computed on the host', () => {
    const data = candles(300);
    const [fast] = computeIndicator('ema', [data.close], [10]);
    const [slow] = computeIndicator('ema', [data.close], [20]);
    const crossUp = (i: number) => fast[i - 1] <= slow[i - 1] && fast[i] > slow[i];
    const expected = Array.from({ length: 300 }, (_, i) => i).filter((i) => i >= 20 && crossUp(i));
    expect(expected.length).toBeGreaterThan(2);

    const runner = StrategyRunner.create(EXAMPLE_STRATEGY, LIMITS);
    expect(runner.missing).toEqual([]);
    runner.load(data);
    runner.start(1000, 'spot');
    const entries: number[] = [];
    let i = 0;
    while (i < 300) {
      const d = runner.run(i, 300, FLAT);
      if (d.kind === 'none') i = d.next;
      else {
        expect(d).toMatchObject({ kind: 'entry', side: 'long', size: 100, stopLoss: 0.02, takeProfit: 0.04 });
        entries.push(d.i);
        i = d.i + 1;
      }
    }
    runner.dispose();
    expect(entries).toEqual(expected);
  });

  it('shows only candles up to the cursor, and indicator values computed over the whole series', () => {
    const code = strategy(
      `console.log(this.candles.close.length, this.candles.close.at(-1), this.candles.close.at(9), this.candles.close.at(8),
        this.candles.high.toArray().length, this.ema.at(-1), this.ema.at(9), typeof this.candles.close[8]); return false;`,
      '  init() { this.ema = ta.ema(this.candles.close, 3); console.log("init", this.candles.length, this.ema.at(-1)); }',
    );
    const data = candles(20);
    const [ema] = computeIndicator('ema', [data.close], [3]);
    expect(logsOf(code, 8)).toEqual([
      'init 0 undefined',
      `9 ${data.close[8]} undefined ${data.close[8]} 9 ${ema[8]} undefined undefined`,
    ]);
  });

  it('gives indicator options by name and multi-output indicators by their tulind names', () => {
    const code = strategy(
      `const m = ta.macd(this.candles.close, { shortPeriod: 3, longPeriod: 6, signalPeriod: 4 });
       const b = ta.bbands(this.candles, 5, 2);
       console.log(Object.keys(m).join(','), Object.keys(b).join(','), m.macd.at(-1) === ta.macd(this.candles.close, 3, 6, 4).macd.at(-1));
       return false;`,
    );
    expect(logsOf(code, 10)).toEqual(['macd,macd_signal,macd_histogram bbands_lower,bbands_middle,bbands_upper true']);
  });

  it('cannot reach the host: no require, process, timers, host references or writable built-ins', () => {
    const code = strategy(
      `const probes = {
         require: typeof require, process: typeof process, setTimeout: typeof setTimeout, fetch: typeof fetch,
         host: typeof __host, engine: Object.getOwnPropertyNames(globalThis).filter((n) => /host|engine|ivm/i.test(n)).join('|'),
       };
       let escaped = 'no';
       try { escaped = String(this.constructor.constructor('return typeof process')()); } catch (e) { escaped = 'threw'; }
       let patched = 'no';
       try { Float64Array.prototype.at = () => 42; patched = 'yes'; } catch (e) { patched = e.constructor.name; }
       let arrayPatched = 'no';
       try { Object.getPrototypeOf(Int8Array).prototype.subarray = () => 1; arrayPatched = 'yes'; } catch (e) { arrayPatched = e.constructor.name; }
       console.log(JSON.stringify(probes), escaped, patched, arrayPatched, typeof ta.ema);
       return false;`,
    );
    expect(logsOf(code, 3)).toEqual([
      `${JSON.stringify({ require: 'undefined', process: 'undefined', setTimeout: 'undefined', fetch: 'undefined', host: 'undefined', engine: '' })} undefined TypeError TypeError function`,
    ]);
  });

  it('stops an infinite loop, a memory bomb and a throwing strategy with a StrategyError; others go on', () => {
    const other = StrategyRunner.create(EXAMPLE_STRATEGY, LIMITS);
    other.load(candles(50));
    other.start(1000, 'spot');

    const started = Date.now();
    expect(failure(strategy('while (true) {}')).message).toBe(
      'La stratégie a dépassé son temps de calcul (500 ms par appel).',
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(failure(strategy('const a = []; while (true) a.push(new Array(1e6).fill(1.5));')).message).toBe(
      'La stratégie a dépassé sa limite de mémoire (64 Mo).',
    );
    const thrown = failure(strategy("throw new Error('boum ' + this.candles.length);"));
    expect(thrown.message).toBe('boum 6');
    expect(thrown.line).toBe(3);
    expect(thrown.column).toBeGreaterThan(0);
    const escape = failure(strategy("return this.constructor.constructor('return process')().exit(1);"));
    expect(escape.message).toBe('ReferenceError : process is not defined');

    expect(other.run(0, 50, FLAT).kind).not.toBeUndefined();
    other.dispose();
  });

  it('points an error thrown at the top level of the code at its line', () => {
    let thrown: unknown;
    try {
      StrategyRunner.create(
        `const x = 1;\nthrow new RangeError('au chargement ' + x);\n${strategy('return false;')}`,
        LIMITS,
      );
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StrategyError);
    expect(thrown).toMatchObject({ message: 'RangeError : au chargement 1', line: 2, column: 7 });
  });

  it('stops a loop at the top level of the code and a memory bomb in init', () => {
    expect(() => StrategyRunner.create(`while (true) {}\n${strategy('return false;')}`, LIMITS)).toThrow(
      'La stratégie a dépassé son temps de calcul',
    );
    const bomb = strategy('return false;', '  init() { const s = []; for (;;) s.push(new Array(1e6).fill(2.5)); }');
    const runner = StrategyRunner.create(bomb, LIMITS);
    runner.load(candles(10));
    expect(() => runner.start(1000, 'spot')).toThrow('La stratégie a dépassé sa limite de mémoire (64 Mo).');
    expect(runner.isDisposed).toBe(true);
  });

  it('accepts only validated decisions: booleans and finite non-negative numbers', () => {
    expect(failure(strategy('return {};')).message).toBe(
      'TypeError : shouldLong() doit renvoyer true ou false, pas object',
    );
    expect(failure(strategy('return 1;')).message).toBe('TypeError : shouldLong() doit renvoyer true ou false, pas 1');
    const size = (value: string) =>
      strategy('return true;').replace(
        'calculatePositionSize() { return 10; }',
        `calculatePositionSize() { return ${value}; }`,
      );
    expect(failure(size('NaN')).message).toMatch(
      /calculatePositionSize\(\) doit renvoyer un nombre positif ou nul, pas NaN/,
    );
    expect(failure(size("'10'")).message).toMatch(/pas string/);
    expect(failure(size('-1')).message).toMatch(/pas -1/);
    expect(failure(size('() => 1')).message).toMatch(/pas function/);
  });

  it('bounds what a strategy can send out: long errors and logs are cut', () => {
    const long = failure(strategy("throw new Error('x'.repeat(1e6));"));
    expect(long.message.length).toBeLessThanOrEqual(1001);
    const logs = logsOf(strategy("for (let i = 0; i < 1000; i++) console.log('y'.repeat(10000)); return false;"), 2);
    // 200 lines kept, then one saying how many were cut.
    expect(logs).toHaveLength(201);
    expect(logs[0].length).toBeLessThanOrEqual(502);
    expect(logs[200]).toBe('warn … 800 ligne(s) de journal non gardée(s) : 200 au plus par exécution');
  });

  it('checks the source: one class extending Strategy, syntax errors with line and column, TypeScript accepted', () => {
    expect(() => StrategyRunner.create('const x = 1;', LIMITS)).toThrow(
      'exactement une classe qui étend Strategy (trouvé : 0)',
    );
    expect(() => StrategyRunner.create(`${strategy('return false;')}\nclass B extends Strategy {}`, LIMITS)).toThrow(
      '(trouvé : 2)',
    );
    let syntax: StrategyError | undefined;
    try {
      StrategyRunner.create('class A extends Strategy {\n  shouldLong() { return ( }\n}', LIMITS);
    } catch (error) {
      syntax = error as StrategyError;
    }
    expect(syntax).toBeInstanceOf(StrategyError);
    expect(syntax?.message).toMatch(/^Erreur de syntaxe/);
    expect([syntax?.line, syntax?.column]).toEqual([2, 27]);

    const typed = StrategyRunner.create(
      strategy('const n: number = this.candles.length; return n > 1000;', '  private limit: number = 3;'),
      LIMITS,
    );
    expect(typed.typescript).toBe(true);
    typed.load(candles(5));
    typed.start(1000, 'spot');
    expect(typed.run(0, 5, FLAT)).toEqual({ kind: 'none', next: 5 });
    typed.dispose();

    const partial = StrategyRunner.create('class Half extends Strategy { shouldLong() { return false; } }', LIMITS);
    expect(partial.missing).toEqual([
      'shouldShort',
      'calculatePositionSize',
      'calculateStopLoss',
      'calculateTakeProfit',
    ]);
    partial.dispose();
    const template = StrategyRunner.create(TEMPLATE_STRATEGY, LIMITS);
    expect(template.missing).toEqual([]);
    template.dispose();
  });
});
