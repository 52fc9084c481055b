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
 */
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
