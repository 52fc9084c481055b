/**
 * A hostile user against the sandbox's limits: time, memory and the CPU budget of a whole run. Every case checks
 * the outcome (a French StrategyError naming the limit) and that the process stays healthy: the case returns within
 * its budget plus a margin, and the process's peak memory grows by less than a bound. Escapes (lookahead, reaching
 * the engine, hostile values crossing out) are in hostile-escapes.test.ts.
 */
import pino from 'pino';
import {
  BUDGET,
  expectContained,
  expectHealthy,
  hostile,
  HOSTILE_LIMITS,
  MEMORY,
  probe,
  STOPPED,
  TIME,
} from '../../test/helpers/hostile-strategies';
import { SandboxPool } from './sandbox-pool';
import { validateInPool } from './sandbox-pool-tasks';
import { StrategyError } from './strategy-error';
import { EXAMPLE_STRATEGY } from './templates';

const LOOP = 'while (true) {}';

describe('hostile strategies: what the host reads of a thrown value stays under the time limit (finding 1)', () => {
  it('stops a thrown object whose message getter loops', async () => {
    expectContained(await probe(hostile({ init: 'throw { get message() { while (true) {} } };' })), TIME);
  });

  it('stops a thrown Proxy whose traps loop', async () => {
    const thrown = 'throw new Proxy({}, { get() { while (true) {} }, has() { while (true) {} } });';
    expectContained(await probe(hostile({ shouldLong: thrown })), TIME);
  });

  it('stops thrown objects whose toString or Symbol.toPrimitive loop', async () => {
    expectContained(await probe(hostile({ init: 'throw { toString() { while (true) {} } };' })), TIME);
    expectContained(await probe(hostile({ init: 'throw { [Symbol.toPrimitive]() { while (true) {} } };' })), TIME);
  });

  it('reports thrown symbols, null and getters that throw themselves as plain messages', async () => {
    expectContained(await probe(hostile({ init: "throw Symbol('x');" })), /^Symbol\(x\)$/);
    expectContained(await probe(hostile({ init: 'throw null;' })), /^null$/);
    const getter = "throw { get message() { throw new Error('encore'); } };";
    expectContained(await probe(hostile({ init: getter })), /^la stratégie a levé une valeur illisible$/);
  });
});

describe('hostile strategies: allocations the memory limit does not count are gone (finding 2)', () => {
  it('has no WebAssembly: neither a 1 GB memory nor a compiled module', async () => {
    const memory = 'new Uint8Array(new WebAssembly.Memory({ initial: 16384 }).buffer).fill(1);';
    expectContained(await probe(hostile({ init: memory })), /^ReferenceError : WebAssembly is not defined$/);
    const module = 'new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));';
    expectContained(await probe(hostile({ init: module })), /WebAssembly is not defined/);
  });

  it('makes only fixed-size ArrayBuffers, subclasses included, so resizing cannot grow past the limit', async () => {
    const resize = 'const b = new ArrayBuffer(1, { maxByteLength: 1e9 }); b.resize(1e9); new Uint8Array(b).fill(1);';
    expectContained(await probe(hostile({ init: resize })), /^TypeError : /);
    const subclass = [
      'class Big extends ArrayBuffer { constructor() { super(1, { maxByteLength: 1e9 }); } }',
      'const b = new Big(); b.resize(1e9);',
    ].join(' ');
    expectContained(await probe(hostile({ init: subclass })), /^TypeError : /);
    const reached = 'const B = new Uint8Array(1).buffer.constructor; new B(1, { maxByteLength: 1e9 }).resize(1e9);';
    expectContained(await probe(hostile({ init: reached })), /^TypeError : /);
  });

  it('has no SharedArrayBuffer, Atomics (so no Atomics.wait) nor Intl objects held outside the heap', async () => {
    const growable = 'new SharedArrayBuffer(1, { maxByteLength: 1e9 }).grow(1e9);';
    expectContained(await probe(hostile({ init: growable })), /SharedArrayBuffer is not defined/);
    const wait = 'Atomics.wait(new Int32Array(4), 0, 0);';
    expectContained(await probe(hostile({ init: wait })), /Atomics is not defined/);
    const icu = 'const a = []; for (;;) a.push(new Intl.Segmenter("fr").segment("abc"));';
    expectContained(await probe(hostile({ init: icu })), /Intl is not defined/);
  });

  it('stops ordinary memory bombs on the limit: arrays, typed arrays, ArrayBuffers, flat strings', async () => {
    const bombs = [
      'const a = []; for (;;) a.push(new Array(1e6).fill(1.5));',
      'const a = []; for (;;) a.push(new Float64Array(1e6));',
      'new ArrayBuffer(1e9);',
      'const a = []; for (let i = 0; ; i++) a.push(("x".repeat(4e6) + i).toUpperCase());',
    ];
    for (const bomb of bombs) expectContained(await probe(hostile({ init: bomb })), MEMORY);
  });

  // A hash table doubles its backing store in one allocation; when it does not fit in what is left of a heap not yet
  // full, V8 aborts the whole process on a last-resort GC instead of isolated-vm stopping the isolate. Their entries
  // are bounded (prelude-lockdown.ts), so the bombs stop on a limit long before, in band or in a worker: the memory
  // limit, or the time limit when a loaded machine (CI) fills the table slower than 250 ms allows.
  it('stops a Map or a Set (weak ones too) grown without end, on a limit, in any process', async () => {
    const maps = [
      'const m = new Map(); for (let i = 0; ; i++) m.set(i, { i });',
      'const m = new Map(); for (let i = 0; ; i++) m.set(i, new Array(1e4).fill(i));',
      'const s = new Set(); for (let i = 0; ; i++) s.add("k" + i);',
      'const m = new WeakMap(); const k = []; for (let i = 0; ; i++) { k.push({}); m.set(k[i], i); }',
      'const s = new WeakSet(); const k = []; for (let i = 0; ; i++) { k.push({}); s.add(k[i]); }',
      'const all = []; for (;;) { const m = new Map(); for (let i = 0; i < 2e5; i++) m.set(i, i); all.push(m); }',
    ];
    for (const bomb of maps) expectContained(await probe(hostile({ init: bomb })), STOPPED);
  });

  it('keeps Map, Set and weak collections working below their bound', async () => {
    const use = [
      'const m = new Map([[1, "a"]]); for (let i = 0; i < 1e5; i++) m.set(i % 10, i);',
      'const w = new WeakMap(); const k = {}; w.set(k, 1); w.delete(k); w.set(k, 2);',
      'console.log(m.size, m.get(1), w.get(k), new Set([1, 2, 2]).size, new WeakSet([k]).has(k));',
    ].join(' ');
    expect((await probe(hostile({ init: use }))).logs).toEqual(['10 99991 2 2 true']);
  });

  // The same abort through tables the prelude cannot wrap (an object's own properties or elements in dictionary
  // mode): it kills the process that runs the isolate, so strategies run in the pool's child processes. The bomb
  // kills its child, never this process; the task fails in French and the pool answers the next one.
  it('stops objects and arrays grown as dictionaries in their child process, which alone dies', async () => {
    const pool = new SandboxPool({ size: 1, logger: pino({ level: 'silent' }) });
    const limits = { ...HOSTILE_LIMITS, timeoutMs: 5000, budgetMs: 10_000 };
    const aborting = ['new Array(1e8).fill(0);', 'const o = {}; for (let i = 0; ; i++) o["k" + i] = i;'];
    // These may abort their process or, depending on when V8 collects, stop on the limit in the isolate.
    const either = [
      'const a = []; for (let i = 0; ; i++) a[i * 1000] = i;',
      'const a = []; a.length = 1e8; a.fill(1.5);',
    ];
    const example = () => validateInPool(pool, 'u1', EXAMPLE_STRATEGY, limits);
    try {
      for (const bomb of aborting) {
        const failure = pool.run('validate', 'u1', { code: hostile({ init: bomb }), limits }, limits);
        await expect(failure).rejects.toBeInstanceOf(StrategyError);
        await expect(failure).rejects.toThrow(
          /^Le bac à sable de la stratégie s'est arrêté brutalement \(mémoire épuisée\)/,
        );
        await expect(example()).resolves.toMatchObject({ ok: true });
      }
      for (const bomb of either) {
        const answer = validateInPool(pool, 'u1', hostile({ init: bomb }), limits);
        await expect(answer).resolves.toMatchObject({
          ok: false,
          error: { message: expect.stringMatching(/mémoire/) },
        });
        await expect(example()).resolves.toMatchObject({ ok: true });
      }
    } finally {
      await pool.close();
    }
  }, 120_000);

  it('stops a string doubled to its maximum length and a huge JSON document', async () => {
    const doubling = "let s = 'x'; for (;;) s += s;";
    expectContained(await probe(hostile({ init: doubling })), /^RangeError : Invalid string length$/);
    const json = [
      'const o = []; for (let i = 0; i < 3e5; i++) o.push({ i, s: "abcdefgh" + i });',
      'const t = []; for (;;) t.push(JSON.stringify(o));',
    ].join(' ');
    expectContained(await probe(hostile({ init: json })), STOPPED);
  });
});

describe('hostile strategies: one CPU budget for the whole run (finding 3)', () => {
  it('stops a strategy that spends just under the call limit on every candle, on the budget', async () => {
    const spin = 'const t = Date.now(); while (Date.now() - t < 150) {} return true;';
    const outcome = await probe(hostile({ shouldLong: spin, shouldShort: spin }), { candles: 200 });
    expectContained(outcome, BUDGET);
    expect(outcome.ms).toBeGreaterThan(HOSTILE_LIMITS.budgetMs * 0.8);
  });

  it('counts the indicator computations the strategy asks of the host, which the isolate clock does not', async () => {
    // A new RSI over 20,000 candles on each of the first 300 candles: little isolate time, milliseconds of host time
    // each. The memory limit is raised so that the indicators' own bound (a share of it) is not what stops the run.
    const heavy = 'if (this.candles.length < 300) ta.rsi(this.candles.close, 1 + this.candles.length); return true;';
    const limits = { ...HOSTILE_LIMITS, memoryMb: 128 };
    const outcome = await probe(hostile({ shouldLong: heavy, shouldShort: heavy }), { candles: 20_000, limits });
    expectContained(outcome, BUDGET, limits);
  });

  it('gives every call at most what is left of the budget, then refuses the next', async () => {
    const limits = { ...HOSTILE_LIMITS, timeoutMs: 600, budgetMs: 700 };
    const spin = 'const t = Date.now(); while (Date.now() - t < 400) {} return false;';
    const outcome = await probe(hostile({ init: spin, shouldLong: spin }), { limits });
    expect(outcome.error?.message).toBe('La stratégie a dépassé son budget de calcul (700 ms pour ce test).');
    expectHealthy(outcome, limits);
  });
});

describe('hostile strategies: infinite loops anywhere', () => {
  const stopped = [
    ['the top level', { code: `${LOOP}\n${hostile({})}` }],
    ['init', { init: LOOP }],
    ['shouldLong', { shouldLong: LOOP }],
    ['shouldShort', { shouldShort: LOOP }],
    ['calculatePositionSize', { shouldLong: 'return true;', calculatePositionSize: LOOP }],
    ['calculateStopLoss', { shouldLong: 'return true;', calculateStopLoss: LOOP }],
    ['calculateTakeProfit', { shouldLong: 'return true;', calculateTakeProfit: LOOP }],
  ] as const;
  it.each(stopped)('stops a loop in %s', async (_where, bodies) => {
    const code = 'code' in bodies ? bodies.code : hostile(bodies);
    expectContained(await probe(code, { market: 'futures' }), TIME);
  });

  it('stops a loop in a getter, a static block and the constructor', async () => {
    const getter = hostile({ shouldLong: 'return this.spin;' }, `  get spin() { ${LOOP} }`);
    expectContained(await probe(getter), TIME);
    expectContained(await probe(hostile({}, `  static { ${LOOP} }`)), TIME);
    expectContained(await probe(hostile({}, `  constructor() { super(); ${LOOP} }`)), TIME);
  });

  it('stops a native sort of many values, which V8 would not interrupt (4.5 s for half a million)', async () => {
    for (const sort of ['a.sort();', 'a.toSorted();']) {
      const code = `const a = []; for (let k = 0; k < 5e5; k++) a.push((k * 7919) % 1e6); ${sort}`;
      const outcome = await probe(hostile({ init: code }));
      expectContained(outcome, TIME);
      expect(outcome.ms).toBeLessThan(1500);
    }
    const typed = 'const a = new Float64Array(2e6).map((_, k) => (k * 7919) % 1e6); for (;;) a.sort();';
    expectContained(await probe(hostile({ init: typed })), STOPPED);
  });

  it('stops deep recursion, promise floods and async functions that never end', async () => {
    const recursion = 'const f = (n) => f(n + 1) + 1; f(0);';
    expectContained(await probe(hostile({ init: recursion })), /^RangeError : Maximum call stack size exceeded$/);
    // The queue of microtasks grows with the flood: the time limit or, on a fast run, the memory limit stops it.
    const flood = 'const f = () => Promise.resolve().then(f); f();';
    expectContained(await probe(hostile({ init: flood })), STOPPED);
    const endless = '(async () => { for (;;) await null; })(); return false;';
    expectContained(await probe(hostile({ shouldLong: endless })), TIME);
  });
});
