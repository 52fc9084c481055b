/**
 * A hostile user trying to see the future, reach the engine or push hostile values out of the isolate. Every case
 * checks the outcome and that the process stays healthy (see test/helpers/hostile-strategies.ts); limits are in hostile.test.ts.
 */
import {
  expectContained,
  expectHealthy,
  hostile,
  probe,
  TIME,
  type Outcome,
} from '../../test/helpers/hostile-strategies';

/** Logs once, on the first candle the strategy sees. */
const once = (what: string) => `if (this.candles.length === 1) console.log(${what}); return false;`;

function passed(outcome: Outcome): string[] {
  expect(outcome.error).toBeNull();
  expectHealthy(outcome);
  return outcome.logs;
}

describe('hostile strategies: no lookahead, whatever the code rebinds (finding 4)', () => {
  it('loads the candles with the real Float64Array even when the top level replaced it', async () => {
    const top = [
      'const seen = [];',
      'globalThis.Float64Array = function (buffer) { seen.push(buffer); return new Uint8Array(buffer); };',
    ].join('\n');
    expect(
      passed(await probe(hostile({ shouldLong: once('seen.length, this.candles.close.length') }, '', top))),
    ).toEqual(['0 1']);
    const getter = "Object.defineProperty(globalThis, 'Float64Array', { get() { while (true) {} } });";
    expect(passed(await probe(hostile({ shouldLong: once('this.candles.close.length') }, '', getter)))).toEqual(['1']);
  });

  it('reads an index once: an object that changes its value between two readings sees no later candle', async () => {
    const trick = [
      "let n = 0; const k = { valueOf() { return n++ === 0 ? 5 : 0; }, toString() { return '40'; } };",
      'const seen = this.candles.close.at(k);',
      once('seen'),
    ].join(' ');
    expect(passed(await probe(hostile({ shouldLong: trick })))).toEqual(['undefined']);
  });

  it('decides the same after the top level rebinds every global the engine uses', async () => {
    const code = hostile({
      init: 'this.fast = ta.ema(this.candles.close, { period: 10 }); this.slow = ta.ema(this.candles.close, 20);',
      shouldLong:
        'if (this.candles.length === 30) console.log(this.candles.close.toArray(2), { a: [1] }); return crossedAbove(this.fast, this.slow);',
      shouldShort: 'return crossedBelow(this.fast, this.slow);',
    });
    const reference = await probe(code, { candles: 300 });
    expect(reference.trades).toBeGreaterThan(0);
    const names = ['Math', 'Object', 'Array', 'JSON', 'String', 'Number', 'Reflect', 'Map', 'Set', 'Date', 'TypeError'];
    const top = names.map((name) => `globalThis.${name} = function () { while (true) {} };`).join('\n');
    const rebound = await probe(`${top}\n${code}`, { candles: 300 });
    expect(passed(rebound)).toEqual(reference.logs);
    expect(rebound.trades).toBe(reference.trades);
  });

  it('refuses series forged from the engine constructor', async () => {
    const forged = 'const S = this.candles.close.constructor; ta.ema(new S([1, 2, 3], 3), 2);';
    expectContained(await probe(hostile({ init: forged })), /^TypeError : les séries sont créées par le moteur$/);
  });
});

describe('hostile strategies: the engine and the built-ins cannot be reached or changed', () => {
  it('keeps the base class, ta, Object.prototype, Array.prototype and Function.prototype frozen', async () => {
    const attempts = [
      'Strategy.prototype.shouldLong = () => true',
      'ta.ema = () => 1',
      'Object.prototype.polluted = 1',
      'Array.prototype.push = () => 0',
      "Object.defineProperty(Function.prototype, 'call', { value: () => 1 })",
      'Error.prepareStackTrace = (e, frames) => frames',
      "Object.defineProperty(globalThis, 'Strategy', { value: 1 })",
    ];
    const body = `const out = []; for (const f of [${attempts.map((a) => `() => { ${a}; }`).join(', ')}]) {
      try { f(); out.push('changed'); } catch (e) { out.push(e.constructor.name); } }`;
    const logs = passed(await probe(hostile({ shouldLong: `${body} ${once("out.join(',')")}` })));
    expect(logs).toEqual([Array(attempts.length).fill('TypeError').join(',')]);
  });

  it('finds no host, engine or cursor on the global object nor through a caller or a stack trace', async () => {
    const top = 'function peek() { return peek.caller; }';
    const probes = [
      "Object.getOwnPropertyNames(globalThis).filter((n) => /host|engine|ivm|clock/i.test(n)).join('|')",
      'peek() === null',
      'typeof new Error().stack',
      "typeof this.constructor.constructor('return this')().__host",
    ].join(', ');
    const logs = passed(await probe(hostile({ shouldLong: once(probes) }, '', top)));
    expect(logs).toEqual([' true string undefined']);
  });

  it('keeps logs readable after the global JSON was replaced by a getter that loops', async () => {
    const top = "Object.defineProperty(globalThis, 'JSON', { get() { while (true) {} } });";
    expect(passed(await probe(hostile({ shouldLong: once("'still', { a: 1 }") }, '', top)))).toEqual(['still {"a":1}']);
  });
});

describe('hostile strategies: decisions must be primitives the engine checks', () => {
  const returned = [
    ['shouldLong', 'a Proxy', 'return new Proxy({}, { get() { while (true) {} } });'],
    ['shouldLong', 'an object with Symbol.toPrimitive', 'return { [Symbol.toPrimitive]() { while (true) {} } };'],
    ['shouldShort', 'a Boolean object', 'return new Boolean(true);'],
    ['calculatePositionSize', 'an object with valueOf', 'return { valueOf() { while (true) {} } };'],
    ['calculateStopLoss', 'an object with a getter', 'return { get value() { while (true) {} } };'],
    ['calculateTakeProfit', 'a Proxy', 'return new Proxy({}, { get() { while (true) {} } });'],
  ] as const;
  it.each(returned)('refuses %s returning %s, without reading it', async (method, _what, body) => {
    const bodies = { shouldLong: 'return true;', shouldShort: 'return true;', [method]: body };
    const kind = method.startsWith('should') ? 'true ou false' : 'un nombre positif ou nul';
    const expected = new RegExp(`^TypeError : ${method}\\(\\) doit renvoyer ${kind}, pas object$`);
    expectContained(await probe(hostile(bodies), { market: 'futures' }), expected);
  });
});

describe('hostile strategies: bogus indicator calls', () => {
  it('names the expected series and options on a wrong arity or a NaN', async () => {
    expectContained(await probe(hostile({ init: 'ta.ema();' })), /^TypeError : ta\.ema attend les séries : real$/);
    expectContained(
      await probe(hostile({ init: 'ta.ema(this.candles.close, NaN);' })),
      /^ta\.ema attend 1 option\(s\) numérique\(s\) : period$/,
    );
    const long = "ta.sma(new Proxy([], { get: (t, k) => (k === 'length' ? 1e12 : 1) }), 2);";
    expectContained(await probe(hostile({ init: long })), /^TypeError : tableau trop long ou invalide$/);
  });

  it('survives huge options and stops inputs or options whose traps and valueOf loop', async () => {
    const huge = 'this.a = ta.sma(this.candles.close, 1e300);';
    expect(passed(await probe(hostile({ init: huge, shouldLong: once('this.a.at(-1)') })))).toEqual(['null']);
    const refused = 'ta.rsi(this.candles.close, 2 ** 40);';
    expectContained(await probe(hostile({ init: refused })), /^ta\.rsi : Invalid options$/);
    const proxy = 'ta.sma(new Proxy([1, 2, 3], { get() { while (true) {} } }), 2);';
    expectContained(await probe(hostile({ init: proxy })), TIME);
    const option = 'ta.bbands(this.candles.close, 5, { valueOf() { while (true) {} } });';
    expectContained(await probe(hostile({ init: option })), TIME);
  });
});

describe('hostile strategies: log floods', () => {
  it('keeps 200 lines of 500 characters out of a flood of huge lines', async () => {
    const flood = "const y = 'y'.repeat(1e5); for (let i = 0; i < 1e5; i++) console.log(y, i);";
    const logs = passed(await probe(hostile({ init: flood })));
    // 200 kept, and one last line saying how many were cut.
    expect(logs).toHaveLength(201);
    expect(logs[200]).toMatch(/… \d+ ligne\(s\) de journal non gardée\(s\) : 200 au plus par exécution$/);
    expect(Math.max(...logs.map((line) => line.length))).toBeLessThanOrEqual(501);
  });

  it('logs what JSON cannot write by its type, and stops a toJSON that loops', async () => {
    const odd = 'const c = {}; c.c = c; console.log(1n, c, Symbol("s"));';
    expect(passed(await probe(hostile({ init: odd })))).toEqual(['[bigint] [object] Symbol(s)']);
    expectContained(await probe(hostile({ init: 'console.log({ toJSON() { while (true) {} } });' })), TIME);
  });
});
