// The full-resolution equity curve as `backtest_equity` stores it (server side: Buffer).
/** The whole curve, one (open time, equity) float64 pair per candle, as stored. */
export function packEquity(equity: Float64Array, time: Float64Array): Buffer {
  const pairs = new Float64Array(equity.length * 2);
  for (let j = 0; j < equity.length; j++) {
    pairs[2 * j] = time[j];
    pairs[2 * j + 1] = equity[j];
  }
  return Buffer.from(pairs.buffer, pairs.byteOffset, pairs.byteLength);
}

export function unpackEquity(packed: Buffer): [number, number][] {
  const pairs = new Float64Array(packed.buffer.slice(packed.byteOffset, packed.byteOffset + packed.byteLength));
  const out: [number, number][] = [];
  for (let j = 0; j + 1 < pairs.length; j += 2) out.push([pairs[j], pairs[j + 1]]);
  return out;
}
