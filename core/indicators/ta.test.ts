import { describeWithFixtures, fixture } from '../../test/helpers/fixtures';
import { NATIVE } from './native';
import { computeIndicator, INDICATORS } from './ta';

interface Vector {
  indicator: string;
  options: Record<string, number>;
  inputs: Record<string, number[]>;
  outputs: Record<string, number[]>;
}

const close = (actual: number, expected: number) => Math.abs(actual - expected) <= 0.0011 + 1e-6 * Math.abs(expected);

/** Runs one of Tulip's own vectors through computeIndicator; outputs are compared on the aligned tail. */
function check(vector: Vector): string[] {
  const spec = INDICATORS[vector.indicator];
  const byName = spec.inputs.map((name, i) => vector.inputs[name] ?? vector.inputs[`${i}:${name}`]);
  const inputs = byName.map((values) => Float64Array.from(values));
  // Tulip's build table says 'k_period' where tulind says '%k period'.
  const key = (name: string) => name.replace(/[^a-z0-9]/gi, '').toLowerCase();
  const given = Object.fromEntries(Object.entries(vector.options).map(([name, value]) => [key(name), value]));
  const options = spec.options.map((name) => given[key(name)]);
  const outputs = computeIndicator(vector.indicator, inputs, options);
  const problems: string[] = [];
  spec.outputs.forEach((name, o) => {
    const expected = vector.outputs[name];
    const actual = Array.from(outputs[o]).slice(outputs[o].length - expected.length);
    expect(outputs[o].length).toBe(inputs[0].length);
    actual.forEach((value, j) => {
      if (!close(value, expected[j]))
        problems.push(`${vector.indicator}.${name}[${j}] = ${value}, attendu ${expected[j]}`);
    });
    // Everything before the tail is warm-up: no value yet.
    Array.from(outputs[o].slice(0, outputs[o].length - expected.length)).forEach((v) => expect(v).toBeNaN());
  });
  return problems;
}

/**
 * untest.txt read positionally: its parsed JSON keys inputs by name, which loses the second `real` of add/sub/….
 * Blocks are `name options…`, then one `{…}` line per input, then one per output.
 */
function rawVectors(text: string): { vectors: Vector[]; mismatched: string[] } {
  const vectors: Vector[] = [];
  const mismatched: string[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    if (lines.length < 2) continue;
    const [name, ...options] = lines[0].trim().split(/\s+/);
    const spec = INDICATORS[name];
    if (!spec) continue;
    const arrays = lines.slice(1).map((l) => l.replace(/[{}]/g, '').split(',').filter(Boolean).map(Number));
    if (arrays.length !== spec.inputs.length + spec.outputs.length) {
      mismatched.push(name);
      continue;
    }
    vectors.push({
      indicator: name,
      options: Object.fromEntries(spec.options.map((o, i) => [o, Number(options[i])])),
      inputs: Object.fromEntries(spec.inputs.map((input, i) => [`${i}:${input}`, arrays[i]])),
      outputs: Object.fromEntries(spec.outputs.map((o, i) => [o, arrays[spec.inputs.length + i]])),
    });
  }
  return { vectors, mismatched };
}

describeWithFixtures('ta: Tulip Indicators test vectors', () => {
  const untest = rawVectors(fixture('indicators/tulipindicators/untest.txt'));
  const core = JSON.parse(fixture('indicators/tulipindicators/core_indicators.json')) as Vector[];

  it('passes every regression vector of untest.txt', () => {
    // tulind bundles an older Tulip whose ADX family also takes the close: those vectors have one input fewer.
    expect([...new Set(untest.mismatched)].sort()).toEqual(['adx', 'adxr', 'dx']);
    expect(new Set(untest.vectors.map((v) => v.indicator)).size).toBeGreaterThanOrEqual(100);
    expect(untest.vectors.flatMap(check)).toEqual([]);
  });

  // atoz's MACD 12/26/9 comes from Achelis's spreadsheet, which smooths with 0.15 and 0.075 (TA-Lib's MACDFIX);
  // tulind hard-codes those for 12/26. Ours is the standard MACD (2/13, 2/27), so it knowingly differs there.
  const isFixedMacd = (v: Vector) =>
    v.indicator === 'macd' && v.options.short_period === 12 && v.options.long_period === 26;

  it('passes the core indicator vectors, including the native EMA and SMA', () => {
    expect(core.some((v) => v.indicator === 'ema')).toBe(true);
    expect(core.some((v) => v.indicator === 'sma')).toBe(true);
    expect(core.filter(isFixedMacd)).toHaveLength(1);
    expect(core.filter((v) => !isFixedMacd(v)).flatMap(check)).toEqual([]);
  });

  it("leaves out atoz's MACD 12/26/9 because it is the 0.15/0.075 one, not the standard", () => {
    const vector = core.find(isFixedMacd)!;
    const closes = vector.inputs.real;
    const ema = (k: number) =>
      closes.reduce<number[]>((out, x, i) => [...out, i ? (x - out[i - 1]) * k + out[i - 1] : x], []);
    const [fixed, standard] = [
      ema(0.15).map((v, i) => v - ema(0.075)[i]),
      ema(2 / 13).map((v, i) => v - ema(2 / 27)[i]),
    ];
    const tail = (values: number[]) => values.slice(values.length - vector.outputs.macd.length);
    expect(tail(fixed).every((v, i) => close(v, vector.outputs.macd[i]))).toBe(true);
    expect(tail(standard).every((v, i) => close(v, vector.outputs.macd[i]))).toBe(false);
    const [ours] = computeIndicator('macd', [Float64Array.from(closes)], [12, 26, 9]);
    expect(tail(Array.from(ours))).toEqual(tail(standard).map((v) => expect.closeTo(v, 10)));
  });

  it("passes extra.txt's vectors of the indicators computed natively", () => {
    const extra = rawVectors(fixture('indicators/tulipindicators/extra.txt')).vectors.filter(
      (v) => NATIVE[v.indicator],
    );
    expect(new Set(extra.map((v) => v.indicator))).toEqual(new Set(['stddev', 'stderr', 'var', 'vidya', 'volatility']));
    expect(extra.flatMap(check)).toEqual([]);
  });
});

describe('ta: alignment and errors', () => {
  it('keeps outputs aligned on the inputs and skips leading NaNs of an indicator of an indicator', () => {
    const closes = Float64Array.from({ length: 50 }, (_, i) => 100 + Math.sin(i / 3) * 5);
    const [rsi] = computeIndicator('rsi', [closes], [14]);
    expect(rsi.slice(0, 14).every(Number.isNaN)).toBe(true);
    const [smoothed] = computeIndicator('ema', [rsi], [5]);
    expect(Number.isNaN(smoothed[13])).toBe(true);
    expect(smoothed[14]).toBe(rsi[14]);
    expect(Number.isFinite(smoothed[49])).toBe(true);
  });

  it('names the expected options when they are wrong', () => {
    expect(() => computeIndicator('macd', [new Float64Array(10)], [12])).toThrow(
      'ta.macd attend 3 option(s) numérique(s) : short period, long period, signal period',
    );
    expect(() => computeIndicator('nope', [], [])).toThrow('indicateur inconnu : ta.nope');
  });
});
