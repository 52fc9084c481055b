/**
 * The end of the prelude (see prelude.ts), run before any user code: it removes what escapes the isolate's limits
 * and freezes every built-in. Inserted inside the prelude's function, whose `G`, `freeze` and `TypeErr` it uses.
 *
 * - isolated-vm counts V8's heap and ordinary ArrayBuffers against `memoryLimit`, but not WebAssembly memories,
 *   resizable or growable buffers (`maxByteLength`, reserved and filled outside it) nor ICU's objects (`Intl`);
 *   one `fill` of such a buffer also runs past the time limit, as no interrupt is checked inside it. Shared
 *   buffers and `Atomics` go too: a strategy has no thread to share with.
 * - The default comparison of `sort` / `toSorted` runs inside V8 without checking for interrupts (seconds for a
 *   few million numbers, past any time limit): the same order is asked through a comparator written in JS, whose
 *   calls the time limit can stop.
 * - Hash tables (Map, Set, WeakMap, WeakSet) grow by doubling their backing store in one allocation. When that one
 *   allocation does not fit in what is left of the heap while the heap is not yet full, V8 gives up on a last-resort
 *   GC and aborts the whole process (CALL_AND_RETRY_LAST) before isolated-vm's near-heap-limit callback can stop
 *   the isolate. Their entries are bounded so that the largest table stays a small part of the heap: the heap then
 *   fills gradually and reaches the limit isolated-vm handles. Objects used as dictionaries grow the same way and
 *   cannot be wrapped: see the hostile suite.
 */
/** The start of the message of a bounded collection's RangeError, which the host reports as the memory limit. */
export const COLLECTION_FULL = 'collection pleine';

export const LOCKDOWN = String.raw`
  for (const name of ['WebAssembly', 'SharedArrayBuffer', 'Atomics', 'Intl']) delete G[name];

  const NativeArrayBuffer = ArrayBuffer;
  const construct = Reflect.construct;
  const define = (target, key, value, writable) =>
    Object.defineProperty(target, key, { value, writable, enumerable: false, configurable: writable });
  const FixedArrayBuffer = function ArrayBuffer(length) {
    if (new.target === undefined) throw new TypeErr("Constructor ArrayBuffer requires 'new'");
    return construct(NativeArrayBuffer, [length], new.target === FixedArrayBuffer ? NativeArrayBuffer : new.target);
  };
  define(FixedArrayBuffer, 'prototype', NativeArrayBuffer.prototype, false);
  define(FixedArrayBuffer, 'isView', NativeArrayBuffer.isView, true);
  define(NativeArrayBuffer.prototype, 'constructor', FixedArrayBuffer, true);
  define(G, 'ArrayBuffer', FixedArrayBuffer, true);

  const apply = Reflect.apply;
  const byText = (x, y) => {
    const a = ${'`${x}`'};
    const b = ${'`${y}`'};
    return a < b ? -1 : a > b ? 1 : 0;
  };
  const byNumber = (x, y) => {
    if (x < y) return -1;
    if (x > y) return 1;
    if (x === y) return x === 0 && 1 / x !== 1 / y ? (1 / x < 0 ? -1 : 1) : 0;
    return x !== x ? (y !== y ? 0 : 1) : -1;
  };
  const comparing = (proto, name, compare) => {
    const native = proto[name];
    if (typeof native !== 'function') return;
    const method = { [name](fn) { return apply(native, this, [fn === undefined ? compare : fn]); } }[name];
    define(proto, name, method, true);
  };
  const TypedArray = Object.getPrototypeOf(Int8Array);
  for (const name of ['sort', 'toSorted']) {
    comparing(Array.prototype, name, byText);
    comparing(TypedArray.prototype, name, byNumber);
  }

  // About 32 bytes per entry at the largest (a WeakMap's table, half full): a table of an eighth of the heap at most.
  const MAX_ENTRIES = host.memoryMb * 4096;
  const RangeErr = RangeError;
  const full = () => new RangeErr('${COLLECTION_FULL} (' + MAX_ENTRIES + ' entrées)');
  const sizeOf = (proto) => Object.getOwnPropertyDescriptor(proto, 'size').get;
  const bound = (proto, name, size) => {
    const native = proto[name];
    const has = proto.has;
    const method = {
      [name](...args) {
        if (apply(size, this, []) >= MAX_ENTRIES && !apply(has, this, [args[0]])) throw full();
        return apply(native, this, args);
      },
    }[name];
    define(proto, name, method, true);
  };
  bound(Map.prototype, 'set', sizeOf(Map.prototype));
  bound(Set.prototype, 'add', sizeOf(Set.prototype));
  // Weak collections have no size: each counts what it was given, less what was deleted (never what was collected).
  const counts = new WeakMap();
  const weakGet = WeakMap.prototype.get;
  const weakSet = WeakMap.prototype.set;
  for (const Weak of [WeakMap, WeakSet]) {
    const proto = Weak.prototype;
    const has = proto.has;
    const remove = proto.delete;
    const name = Weak === WeakMap ? 'set' : 'add';
    const add = proto[name];
    const counted = (weak) => apply(weakGet, counts, [weak]) ?? 0;
    const methods = {
      [name](...args) {
        if (apply(has, this, [args[0]])) return apply(add, this, args);
        const n = counted(this);
        if (n >= MAX_ENTRIES) throw full();
        const result = apply(add, this, args);
        apply(weakSet, counts, [this, n + 1]);
        return result;
      },
      delete(key) {
        const deleted = apply(remove, this, [key]);
        if (deleted) apply(weakSet, counts, [this, counted(this) - 1]);
        return deleted;
      },
    };
    define(proto, name, methods[name], true);
    define(proto, 'delete', methods.delete, true);
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
  [NativeArrayBuffer, function* () {}, async function () {}, async function* () {}].forEach(lock);
  lock(Object.getPrototypeOf([][Symbol.iterator]()));
  lock(Object.getPrototypeOf(new Map().entries()));
  lock(Object.getPrototypeOf(new Set().values()));
  lock(Object.getPrototypeOf(''[Symbol.iterator]()));
  lock(Object.getPrototypeOf(/a/[Symbol.matchAll]('')));
`;
