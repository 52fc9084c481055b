/**
 * Indicators computed in plain JS instead of tulind, each for one of two reasons. Speed: tulind marshals every
 * value through a JS array (≈90 ms for a year of 1m candles) where these loops take 5 to 40 ms, and the
 * moving averages are what most strategies start with. Exactness: tulind's MACD swaps in 0.15 and 0.075 for periods 12
 * and 26 (TA-Lib's MACDFIX constants, not 2/13 and 2/27), and its variance family keeps running sums of squares,
 * which cancel catastrophically at large prices (a flat window of BTC gives a negative or NaN deviation).
 * Otherwise they follow Tulip's conventions exactly (warm-up lengths, EMA seeded with the first value), so
 * Tulip's test vectors check them. Every output is aligned on the input, NaN during the warm-up.
 */
export interface NativeIndicator {
  /** Tulip's own option checks: what is wrong with the options, in French, or undefined. */
  problem(options: number[]): string | undefined;
  compute(inputs: Float64Array[], options: number[]): Float64Array[];
}

const empty = (length: number) => new Float64Array(length).fill(NaN);

/**
 * EMA with smoothing 2/(period+1), seeded with the first value (Tulip's convention): defined from index 0, where
 * TA-Lib starts at index period-1 with the SMA of the first `period` values; the two converge as the seed fades.
 */
function ema(input: Float64Array, period: number): Float64Array {
  const out = new Float64Array(input.length);
  if (input.length === 0) return out;
  const k = 2 / (period + 1);
  let value = input[0];
  out[0] = value;
  for (let i = 1; i < input.length; i++) {
    value = (input[i] - value) * k + value;
    out[i] = value;
  }
  return out;
}

/**
 * Mean and population variance of each window of `period` values, NaN before the first full window. The running
 * sums are kept relative to a reference, the window's mean, so they never hold the square of a price (no
 * cancellation at large prices). They are recomputed from the window every `period` values, and as soon as the
 * window's squared deviations fall a million times below the squares the sums held (a calm after a jump, a drift
 * away from the reference), so that what cancelled never shows: the relative error stays below period × 1e-10.
 * A window of identical values gives exactly that value and 0.
 */
export function rollingStats(input: Float64Array, period: number): { mean: Float64Array; variance: Float64Array } {
  const mean = empty(input.length);
  const variance = empty(input.length);
  let reference = 0;
  let s1 = 0;
  let s2 = 0;
  let largest = 0;
  let since = 0;
  let run = 0;
  for (let i = 0; i < input.length; i++) {
    run = i > 0 && input[i] === input[i - 1] ? run + 1 : 1;
    if (i < period - 1) continue;
    let recentre = i === period - 1 || ++since >= period;
    if (!recentre) {
      const added = input[i] - reference;
      const removed = input[i - period] - reference;
      s1 += added - removed;
      s2 += added * added - removed * removed;
      if (added * added > largest) largest = added * added;
      recentre = s2 - (s1 * s1) / period < (largest + s2) * 1e-6;
    }
    // Inline rather than a closure: captured variables would leave the registers and slow every step.
    if (recentre) {
      let sum = 0;
      for (let j = i - period + 1; j <= i; j++) sum += input[j];
      reference = sum / period;
      s1 = 0;
      s2 = 0;
      largest = 0;
      since = 0;
      for (let j = i - period + 1; j <= i; j++) {
        const d = input[j] - reference;
        s1 += d;
        s2 += d * d;
        if (d * d > largest) largest = d * d;
      }
    }
    if (run >= period) {
      mean[i] = input[i];
      variance[i] = 0;
    } else {
      mean[i] = reference + s1 / period;
      variance[i] = Math.max(0, (s2 - (s1 * s1) / period) / period);
    }
  }
  return { mean, variance };
}

const rollingVariance = (input: Float64Array, period: number) => rollingStats(input, period).variance;

/** scale × √v for each value, in place (a typed array's `map` is several times slower than this loop). */
function scaledRoot(values: Float64Array, scale: number): Float64Array {
  for (let i = 0; i < values.length; i++) values[i] = Math.sqrt(values[i]) * scale;
  return values;
}

const positive = ([period]: number[]) => (period >= 1 ? undefined : 'la période doit être au moins 1');
const int = (value: number) => Math.trunc(value);

export const NATIVE: Record<string, NativeIndicator> = {
  ema: { problem: positive, compute: ([input], [period]) => [ema(input, period)] },
  sma: {
    problem: positive,
    compute([input], [period]) {
      const out = empty(input.length);
      let sum = 0;
      for (let i = 0; i < input.length; i++) {
        sum += input[i];
        if (i >= period) sum -= input[i - period];
        if (i >= period - 1) out[i] = sum / period;
      }
      return [out];
    },
  },
  /**
   * The standard MACD: EMAs of `short` and `long` periods (2/(n+1) for every period, seeded with the first value),
   * their difference from index long-1, the signal an EMA of that line seeded with its first value (so the first
   * histogram is 0). TA-Lib seeds each EMA with the SMA of its first n values and the signal with the SMA of the
   * first `signal` MACD values, and starts both at long+signal-2 (Stock.Indicators: MACD at long-1, signal at
   * long+signal-2): the values differ during the warm-up, by a gap that shrinks by (long-1)/(long+1) a bar —
   * under 1e-6 after 200 bars on the reference quotes for 12/26/9.
   */
  macd: {
    problem: ([short, long, signal]) =>
      short >= 1 && long >= 2 && long >= short && signal >= 1
        ? undefined
        : 'il faut 1 ≤ short period ≤ long period, long period ≥ 2 et signal period ≥ 1',
    compute([input], [shortPeriod, longPeriod, signalPeriod]) {
      const start = int(longPeriod) - 1;
      const [macd, signal, histogram] = [empty(input.length), empty(input.length), empty(input.length)];
      if (input.length <= start) return [macd, signal, histogram];
      const kFast = 2 / (int(shortPeriod) + 1);
      const kSlow = 2 / (int(longPeriod) + 1);
      const kSignal = 2 / (int(signalPeriod) + 1);
      let fast = input[0];
      let slow = input[0];
      let value = 0;
      for (let i = 1; i < input.length; i++) {
        fast = (input[i] - fast) * kFast + fast;
        slow = (input[i] - slow) * kSlow + slow;
        if (i < start) continue;
        const line = fast - slow;
        value = i === start ? line : (line - value) * kSignal + value;
        macd[i] = line;
        signal[i] = value;
        histogram[i] = line - value;
      }
      return [macd, signal, histogram];
    },
  },
  var: { problem: positive, compute: ([input], [period]) => [rollingVariance(input, int(period))] },
  stddev: { problem: positive, compute: ([input], [period]) => [scaledRoot(rollingVariance(input, int(period)), 1)] },
  stderr: {
    problem: positive,
    compute: ([input], [period]) => [scaledRoot(rollingVariance(input, int(period)), 1 / Math.sqrt(int(period)))],
  },
  bbands: {
    problem: positive,
    compute([input], [period, width]) {
      const { mean: middle, variance } = rollingStats(input, int(period));
      const deviation = scaledRoot(variance, width);
      const lower = new Float64Array(input.length);
      const upper = new Float64Array(input.length);
      for (let i = 0; i < input.length; i++) {
        lower[i] = middle[i] - deviation[i];
        upper[i] = middle[i] + deviation[i];
      }
      return [lower, middle, upper];
    },
  },
  /** Annualised (√252) population deviation of the last `period` one-bar returns, from index `period`. */
  volatility: {
    problem: positive,
    compute([input], [period]) {
      const out = empty(input.length);
      if (input.length <= int(period)) return [out];
      const returns = new Float64Array(input.length - 1);
      for (let i = 1; i < input.length; i++) returns[i - 1] = input[i] / input[i - 1] - 1;
      out.set(scaledRoot(rollingVariance(returns, int(period)), Math.sqrt(252)), 1);
      return [out];
    },
  },
  /** Variable Index Dynamic Average: an EMA whose smoothing is alpha × (short deviation / long deviation). */
  vidya: {
    problem: ([short, long, alpha]) =>
      short >= 1 && long >= short && long >= 2 && alpha >= 0 && alpha <= 1
        ? undefined
        : 'il faut 1 ≤ short period ≤ long period, long period ≥ 2 et 0 ≤ alpha ≤ 1',
    compute([input], [shortPeriod, longPeriod, alpha]) {
      const long = int(longPeriod);
      const out = empty(input.length);
      if (input.length <= long - 2) return [out];
      const shortVariance = rollingVariance(input, int(shortPeriod));
      const longVariance = rollingVariance(input, long);
      let value = input[long - 2];
      out[long - 2] = value;
      for (let i = long - 1; i < input.length; i++) {
        // A flat long window moves nothing (Tulip's 0/0 → 0).
        const k = longVariance[i] > 0 ? Math.sqrt(shortVariance[i] / longVariance[i]) * alpha : 0;
        value = (input[i] - value) * k + value;
        out[i] = value;
      }
      return [out];
    },
  },
};
