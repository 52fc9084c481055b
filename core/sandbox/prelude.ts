/**
 * The code that runs inside every strategy isolate before the user's. It is JavaScript evaluated in the isolate,
 * kept as a string because it must not be compiled for the host.
 *
 * Lookahead-proof by construction: candle columns and indicator results are `Series` whose data sit in a private
 * field and are read only through `at()`, which stops at the shared cursor. The cursor moves only inside `run`, which
 * user code cannot reach: the script's completion value (the engine's handle) goes to the host as a reference and
 * is never stored on the global object. Built-ins are frozen before the user's code runs, so the prelude's own
 * calls cannot be intercepted by patching a prototype.
 *
 * `__host` is set by the host before this script runs and deleted by it: it carries the indicator callback and
 * the indicator catalogue.
 */
export const PRELUDE = String.raw`
'use strict';
(function (host) {
  const G = globalThis;
  const now = Date.now;
  const isFiniteNumber = Number.isFinite;
  const isArray = Array.isArray;
  const freeze = Object.freeze;
  const taCall = host.ta;
  const catalog = host.catalog;
  const clock = { i: -1 };
  const LOG_LINES = 200;
  const LOG_CHARS = 500;
  const logs = [];

  let seriesId;
  class Series {
    #d;
    #id;
    constructor(data, id) {
      this.#d = data;
      this.#id = id;
    }
    static {
      seriesId = (s) => (s !== null && typeof s === 'object' && #id in s ? s.#id : -1);
    }
    get length() {
      return clock.i + 1;
    }
    at(k) {
      const j = k < 0 ? clock.i + 1 + k : k;
      return j >= 0 && j <= clock.i ? this.#d[j] : undefined;
    }
    get current() {
      return this.at(-1);
    }
    get previous() {
      return this.at(-2);
    }
    toArray(count) {
      const end = clock.i + 1;
      const start = count === undefined ? 0 : Math.max(0, end - Math.trunc(count));
      const out = [];
      for (let j = start; j < end; j++) out.push(this.#d[j]);
      return out;
    }
  }

  let columns = null;
  class Candles {
    get open() { return columns.open; }
    get high() { return columns.high; }
    get low() { return columns.low; }
    get close() { return columns.close; }
    get volume() { return columns.volume; }
    get time() { return columns.time; }
    get length() { return clock.i + 1; }
  }
  const candles = freeze(new Candles());

  const optionKey = (name) => String(name).replace(/[^a-z0-9]/gi, '').toLowerCase();
  const cache = new Map();

  function wrap(name, meta, result) {
    const made = result.data.map((data, o) => freeze(new Series(data, result.ids[o])));
    if (made.length === 1) return made[0];
    const out = {};
    meta.outputs.forEach((output, o) => { out[output] = made[o]; });
    return freeze(out);
  }

  function callIndicator(name, args) {
    const meta = catalog[name];
    let inputs;
    let rest;
    if (args[0] === candles) {
      inputs = meta.inputs.map((input) => candles[input === 'real' ? 'close' : input]);
      rest = args.slice(1);
    } else {
      inputs = args.slice(0, meta.inputs.length);
      rest = args.slice(meta.inputs.length);
    }
    let options = rest;
    if (rest.length === 1 && rest[0] !== null && typeof rest[0] === 'object') {
      const given = {};
      for (const key of Object.keys(rest[0])) given[optionKey(key)] = rest[0][key];
      options = meta.options.map((option) => given[optionKey(option)]);
    }
    if (inputs.length !== meta.inputs.length || inputs.some((input) => input === undefined)) {
      throw new TypeError('ta.' + name + ' attend les séries : ' + meta.inputs.join(', '));
    }
    const ids = inputs.map(seriesId);
    if (ids.every((id) => id >= 0)) {
      const key = name + '|' + ids.join(',') + '|' + options.join(',');
      let series = cache.get(key);
      if (series === undefined) {
        series = wrap(name, meta, taCall(name, ids, options));
        cache.set(key, series);
      }
      return series;
    }
    if (ids.some((id) => id >= 0) || !inputs.every(isArray)) {
      throw new TypeError('ta.' + name + ' : entrées attendues : des séries (this.candles.close, un résultat de ta) ou des tableaux de nombres');
    }
    const arrays = taCall(name, inputs, options).data.map((data) => Array.from(data));
    if (arrays.length === 1) return arrays[0];
    const out = {};
    meta.outputs.forEach((output, o) => { out[output] = arrays[o]; });
    return out;
  }

  const ta = {};
  for (const name of Object.keys(catalog)) ta[name] = (...args) => callIndicator(name, args);
  freeze(ta);

  const valueAt = (x, back) => (typeof x === 'number' ? x : seriesId(x) >= 0 ? x.at(back) : NaN);
  function crossedAbove(a, b) {
    return valueAt(a, -2) <= valueAt(b, -2) && valueAt(a, -1) > valueAt(b, -1);
  }
  function crossedBelow(a, b) {
    return valueAt(a, -2) >= valueAt(b, -2) && valueAt(a, -1) < valueAt(b, -1);
  }

  const describe = (v) => {
    if (v === null) return 'null';
    if (typeof v === 'number' || typeof v === 'boolean' || v === undefined) return String(v);
    return typeof v;
  };
  function write(level, args) {
    if (logs.length >= LOG_LINES) return;
    let line = args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a) ?? String(a))).join(' ');
    if (line.length > LOG_CHARS) line = line.slice(0, LOG_CHARS) + '…';
    logs.push(level + ' ' + line);
  }
  const console = freeze({
    log: (...args) => write('log', args),
    info: (...args) => write('info', args),
    warn: (...args) => write('warn', args),
    error: (...args) => write('error', args),
  });

  class Strategy {
    init() {}
    shouldLong() { return false; }
    shouldShort() { return false; }
    calculatePositionSize() { return 0; }
    calculateStopLoss() { return 0; }
    calculateTakeProfit() { return 0; }
  }
  const DECISIONS = ['shouldLong', 'shouldShort', 'calculatePositionSize', 'calculateStopLoss', 'calculateTakeProfit'];

  let StrategyClass = null;
  let strategy = null;
  let market = 'spot';

  function notBoolean(name, value) {
    return new TypeError(name + '() doit renvoyer true ou false, pas ' + describe(value));
  }
  function askLong() {
    const value = strategy.shouldLong();
    if (value === true || value === false) return value;
    throw notBoolean('shouldLong', value);
  }
  function askShort() {
    const value = strategy.shouldShort();
    if (value === true || value === false) return value;
    throw notBoolean('shouldShort', value);
  }
  function askNumber(name) {
    const value = strategy[name]();
    if (typeof value === 'number' && isFiniteNumber(value) && value >= 0) return value;
    throw new TypeError(name + '() doit renvoyer un nombre positif ou nul, pas ' + describe(value));
  }
  // Decisions leave the isolate as one short string (primitives cross ~2x faster than objects); the host parses
  // and checks it again.
  function entry(kind, side, i) {
    const size = askNumber('calculatePositionSize');
    const stopLoss = askNumber('calculateStopLoss');
    const takeProfit = askNumber('calculateTakeProfit');
    return kind + '|' + i + '|' + side + '|' + size + '|' + stopLoss + '|' + takeProfit;
  }
  function setState(balance, side, entryPrice, quantity, entryTime, stopLoss, takeProfit) {
    strategy.balance = balance;
    strategy.position = side === null ? null : freeze({ side, entryPrice, quantity, entryTime, stopLoss, takeProfit });
  }

  const engine = {
    define(C) {
      if (typeof C !== 'function' || !(C.prototype instanceof Strategy)) {
        throw new TypeError('la classe doit étendre Strategy');
      }
      StrategyClass = C;
      return DECISIONS.filter((name) => C.prototype[name] === Strategy.prototype[name]);
    },
    load(data) {
      const make = (name, id) => freeze(new Series(new Float64Array(data[name]), id));
      columns = freeze({
        open: make('open', 0), high: make('high', 1), low: make('low', 2),
        close: make('close', 3), volume: make('volume', 4), time: make('time', 5),
      });
      cache.clear();
      clock.i = -1;
    },
    start(balance, marketType) {
      market = marketType;
      clock.i = -1;
      strategy = new StrategyClass();
      strategy.candles = candles;
      setState(balance, null);
      strategy.init();
    },
    run(from, to, sliceMs, balance, side, entryPrice, quantity, entryTime, stopLoss, takeProfit) {
      setState(balance, side, entryPrice, quantity, entryTime, stopLoss, takeProfit);
      const deadline = now() + sliceMs;
      for (let i = from; i < to; i++) {
        clock.i = i;
        if (side === null) {
          if (askLong()) return entry('entry', 'long', i);
          if (market === 'futures' && askShort()) return entry('entry', 'short', i);
        } else if (side === 'long') {
          if (askShort()) return market === 'futures' ? entry('reverse', 'short', i) : 'exit|' + i;
        } else if (askLong()) {
          return entry('reverse', 'long', i);
        }
        if ((i & 63) === 0 && now() > deadline) return 'none|' + (i + 1);
      }
      return 'none|' + to;
    },
    logs() {
      return logs.splice(0, logs.length);
    },
  };

  const expose = { Strategy, ta, crossedAbove, crossedBelow, console };
  for (const name of Object.keys(expose)) {
    Object.defineProperty(G, name, { value: expose[name], writable: false, enumerable: false, configurable: false });
  }

  const seen = new Set();
  const lock = (value) => {
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) return;
    seen.add(value);
    freeze(value);
    for (const key of Reflect.ownKeys(value)) {
      const desc = Object.getOwnPropertyDescriptor(value, key);
      if (desc === undefined) continue;
      if ('value' in desc) lock(desc.value);
      else { lock(desc.get); lock(desc.set); }
    }
    lock(Object.getPrototypeOf(value));
  };
  for (const name of Object.getOwnPropertyNames(G)) {
    if (name !== 'globalThis' && name !== '__host') lock(G[name]);
  }
  [function* () {}, async function () {}, async function* () {}].forEach(lock);
  lock(Object.getPrototypeOf([][Symbol.iterator]()));
  lock(Object.getPrototypeOf(new Map().entries()));
  lock(Object.getPrototypeOf(new Set().values()));
  lock(Object.getPrototypeOf(''[Symbol.iterator]()));
  lock(Object.getPrototypeOf(/a/[Symbol.matchAll]('')));
  return engine;
})(__host);
`;
