import { LOCKDOWN } from './prelude-lockdown';

/**
 * The code that runs inside every strategy isolate before the user's. It is JavaScript evaluated in the isolate,
 * kept as a string because it must not be compiled for the host.
 *
 * Lookahead-proof by construction: candle columns and indicator results are `Series` whose data sit in a private
 * field and are read only through `at()`, which stops at the shared cursor. The cursor moves only inside `run`, which
 * user code cannot reach: the script's completion value (the engine's handle) goes to the host as a reference and
 * is never stored on the global object. Every intrinsic the engine calls once user code has run is captured first
 * (user code may rebind any global it likes), and built-ins are frozen (see prelude-lockdown.ts).
 *
 * Nothing but strings the prelude built leaves the isolate: every engine entry catches what the strategy threw and
 * answers `fail|name|line|column|message`, read inside the isolate under the call's time limit, so a hostile getter
 * or Proxy only burns its own budget.
 *
 * `__host` is set by the host before this script runs and deleted by it: it carries the indicator callback and
 * the indicator catalogue.
 */
export const PRELUDE = String.raw`
'use strict';
(function (host) {
  const G = globalThis;
  const { freeze, keys, create } = Object;
  const { max, min, trunc } = Math;
  const now = Date.now;
  const F64 = Float64Array;
  const arrayFrom = Array.from;
  const isArray = Array.isArray;
  const isFiniteNumber = Number.isFinite;
  const toNumber = Number;
  const toText = String;
  const stringify = JSON.stringify;
  const parseJson = JSON.parse;
  const globalEval = G.eval;
  const TypeErr = TypeError;
  const taCall = host.ta;
  const catalog = host.catalog;
  const clock = { i: -1 };
  const LOG_LINES = 200;
  const LOG_CHARS = 500;
  const logs = [];
  // Lines written past LOG_LINES are counted, not kept: the last line kept says how many were cut.
  let dropped = 0;
  // Only the engine makes series: a forged one could carry a chosen id or data to the host.
  const TOKEN = freeze({});

  let seriesId;
  class Series {
    #d;
    #id;
    constructor(data, id, token) {
      if (token !== TOKEN) throw new TypeErr('les séries sont créées par le moteur');
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
      // One conversion: an object whose valueOf changes between two readings must not pass the bound checks.
      const n = toNumber(k);
      if (n !== trunc(n)) return undefined;
      const j = n < 0 ? clock.i + 1 + n : n;
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
      const start = count === undefined ? 0 : max(0, end - trunc(toNumber(count)));
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

  const optionKey = (name) => toText(name).replace(/[^a-z0-9]/gi, '').toLowerCase();
  const cache = new Map();

  function wrap(meta, result) {
    const made = result.data.map((data, o) => freeze(new Series(data, result.ids[o], TOKEN)));
    if (made.length === 1) return made[0];
    const out = {};
    meta.outputs.forEach((output, o) => { out[output] = made[o]; });
    return freeze(out);
  }

  // A user array (or a Proxy posing as one) is read here, in the isolate, into a fresh Float64Array: only that
  // crosses to the host.
  function numbers(input) {
    const length = toNumber(input.length);
    if (!(length >= 0 && length <= 16777216)) throw new TypeErr('tableau trop long ou invalide');
    const out = new F64(length);
    for (let j = 0; j < length; j++) out[j] = toNumber(input[j]);
    return out;
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
    let given = rest;
    if (rest.length === 1 && rest[0] !== null && typeof rest[0] === 'object') {
      const named = create(null);
      const bag = rest[0];
      for (const key of keys(bag)) named[optionKey(key)] = bag[key];
      given = meta.options.map((option) => named[optionKey(option)]);
    }
    const options = given.map((value) => (typeof value === 'number' ? value : toNumber(value)));
    if (inputs.length !== meta.inputs.length || inputs.some((input) => input === undefined)) {
      throw new TypeErr('ta.' + name + ' attend les séries : ' + meta.inputs.join(', '));
    }
    const ids = inputs.map(seriesId);
    if (ids.every((id) => id >= 0)) {
      const key = name + '|' + ids.join(',') + '|' + options.join(',');
      let series = cache.get(key);
      if (series === undefined) {
        series = wrap(meta, taCall(name, ids, options));
        cache.set(key, series);
      }
      return series;
    }
    if (ids.some((id) => id >= 0) || !inputs.every(isArray)) {
      throw new TypeErr('ta.' + name + ' : entrées attendues : des séries (this.candles.close, un résultat de ta) ou des tableaux de nombres');
    }
    const arrays = taCall(name, inputs.map(numbers), options).data.map((data) => arrayFrom(data));
    if (arrays.length === 1) return arrays[0];
    const out = {};
    meta.outputs.forEach((output, o) => { out[output] = arrays[o]; });
    return out;
  }

  const ta = {};
  for (const name of keys(catalog)) ta[name] = (...args) => callIndicator(name, args);
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
    if (typeof v === 'number' || typeof v === 'boolean' || v === undefined) return toText(v);
    return typeof v;
  };
  const piece = (a) => {
    try {
      const text = typeof a === 'string' ? a : stringify(a) ?? toText(a);
      return text.length > LOG_CHARS ? text.slice(0, LOG_CHARS + 1) : text;
    } catch {
      return '[' + describe(a) + ']';
    }
  };
  function write(level, args) {
    if (logs.length >= LOG_LINES) {
      dropped++;
      return;
    }
    let line = args.map(piece).join(' ');
    if (line.length > LOG_CHARS) line = line.slice(0, LOG_CHARS) + '…';
    logs.push(level + ' ' + line);
  }
  const console = freeze({
    log: (...args) => write('log', args),
    info: (...args) => write('info', args),
    warn: (...args) => write('warn', args),
    error: (...args) => write('error', args),
  });

  const WHERE = /strategy\.js:(\d+):(\d+)/;
  const cut = (text, length) => (text.length > length ? text.slice(0, length) + '…' : text);
  const readable = (v) => {
    try {
      return toText(v);
    } catch {
      return describe(v);
    }
  };
  // Reads what the strategy threw (its getters, traps and toString run here, under the call's time limit) into
  // one string; '|' separates the fields and the message comes last, so it may contain any character.
  function failure(e) {
    let name = 'Error';
    let message;
    let stack = '';
    try {
      if ((typeof e === 'object' && e !== null) || typeof e === 'function') {
        const n = e.name;
        const m = e.message;
        const s = e.stack;
        if (typeof n === 'string') name = n;
        message = typeof m === 'string' ? m : readable(e);
        if (typeof s === 'string') stack = s;
      } else {
        message = readable(e);
      }
    } catch {
      name = 'Error';
      message = 'la stratégie a levé une valeur illisible';
      stack = '';
    }
    const where = WHERE.exec(stack);
    return 'fail|' + cut(name, 100).replace(/\|/g, '/') + '|' + (where ? where[1] + '|' + where[2] : '|') + '|' + cut(message, 1000);
  }

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
  let declared = create(null);

  // static params = { fast: { default: 10, min: 5, max: 30, step: 5 } }: each field read once, here, so what
  // the host receives is numbers this code wrote, whatever getters the strategy put there.
  const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,39}$/;
  const PARAM_FIELDS = ['default', 'min', 'max', 'step'];
  const MAX_PARAMS = 20;
  function paramsOf(C) {
    const given = C.params;
    const out = create(null);
    if (given === undefined) return out;
    if (given === null || typeof given !== 'object' || isArray(given)) {
      throw new TypeErr('static params doit être un objet { nom: { default, min, max, step } }');
    }
    const names = keys(given);
    if (names.length > MAX_PARAMS) throw new TypeErr('static params : ' + MAX_PARAMS + ' paramètres au plus');
    for (const name of names) {
      const label = 'paramètre « ' + cut(toText(name), 40) + ' »';
      if (!PARAM_NAME.test(name)) throw new TypeErr(label + ' : nom attendu en lettres, chiffres et _ (40 au plus)');
      const p = given[name];
      if (p === null || typeof p !== 'object') throw new TypeErr(label + ' : objet { default, min, max, step } attendu');
      const spec = create(null);
      for (const field of PARAM_FIELDS) {
        const value = p[field];
        if (value === undefined && field !== 'default') continue;
        if (typeof value !== 'number' || !isFiniteNumber(value)) {
          throw new TypeErr(label + ' : ' + field + ' doit être un nombre');
        }
        spec[field] = value;
      }
      if (spec.step !== undefined && !(spec.step > 0)) throw new TypeErr(label + ' : step doit être positif');
      if (spec.min !== undefined && spec.default < spec.min) throw new TypeErr(label + ' : default est sous min');
      if (spec.max !== undefined && spec.default > spec.max) throw new TypeErr(label + ' : default est au-dessus de max');
      out[name] = freeze(spec);
    }
    return out;
  }
  // The values of one run: the host's JSON (numbers it checked) over the defaults, for the declared names only.
  function paramValues(text) {
    const given = typeof text === 'string' ? parseJson(text) : null;
    const out = {};
    for (const name of keys(declared)) {
      const value = given !== null && typeof given === 'object' ? given[name] : undefined;
      out[name] = typeof value === 'number' && isFiniteNumber(value) ? value : declared[name].default;
    }
    return freeze(out);
  }

  function notBoolean(name, value) {
    return new TypeErr(name + '() doit renvoyer true ou false, pas ' + describe(value));
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
    throw new TypeErr(name + '() doit renvoyer un nombre positif ou nul, pas ' + describe(value));
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
  function decide(from, to, sliceMs, side) {
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
  }

  // The strategy's script runs through a global eval (as a script, not in this function's scope) so that what it
  // throws at its top level is caught here too; the host appends the class name so that the eval's completion
  // value is the class, and a sourceURL so that stack lines name strategy.js as the editor numbers them.
  const engine = freeze({
    define(script) {
      try {
        const C = globalEval(script);
        if (typeof C !== 'function' || !(C.prototype instanceof Strategy)) {
          throw new TypeErr('la classe doit étendre Strategy');
        }
        declared = paramsOf(C);
        StrategyClass = C;
        const missing = DECISIONS.filter((name) => C.prototype[name] === Strategy.prototype[name]).join(',');
        return 'ok|' + missing + '|' + stringify(declared);
      } catch (e) {
        return failure(e);
      }
    },
    load(data) {
      try {
        const make = (name, id) => freeze(new Series(new F64(data[name]), id, TOKEN));
        columns = freeze({
          open: make('open', 0), high: make('high', 1), low: make('low', 2),
          close: make('close', 3), volume: make('volume', 4), time: make('time', 5),
        });
        cache.clear();
        clock.i = -1;
        return 'ok';
      } catch (e) {
        return failure(e);
      }
    },
    start(balance, marketType, values) {
      try {
        market = marketType;
        clock.i = -1;
        strategy = new StrategyClass();
        strategy.candles = candles;
        strategy.params = paramValues(values);
        setState(balance, null);
        strategy.init();
        return 'ok';
      } catch (e) {
        return failure(e);
      }
    },
    run(from, to, sliceMs, balance, side, entryPrice, quantity, entryTime, stopLoss, takeProfit) {
      try {
        setState(balance, side, entryPrice, quantity, entryTime, stopLoss, takeProfit);
        return decide(from, to, sliceMs, side);
      } catch (e) {
        return failure(e);
      }
    },
    logs() {
      const out = logs.splice(0, min(logs.length, LOG_LINES));
      if (dropped > 0) {
        out.push('warn … ' + dropped + ' ligne(s) de journal non gardée(s) : ' + LOG_LINES + ' au plus par exécution');
        dropped = 0;
      }
      return 'ok|' + stringify(out);
    },
  });

  const expose = { Strategy, ta, crossedAbove, crossedBelow, console };
  for (const name of keys(expose)) {
    Object.defineProperty(G, name, { value: expose[name], writable: false, enumerable: false, configurable: false });
  }
${LOCKDOWN}
  return engine;
})(__host);
`;
