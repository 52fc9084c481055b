import tulind from 'tulind';

/** What a strategy sees of one indicator: tulind's own names, so the docs of Tulip Indicators apply as they are. */
export interface IndicatorSpec {
  name: string;
  fullName: string;
  inputs: string[];
  options: string[];
  outputs: string[];
}

interface TulindIndicator {
  name: string;
  full_name: string;
  input_names: string[];
  option_names: string[];
  output_names: string[];
  start(options: number[]): number;
  indicator(inputs: number[][], options: number[], done: (error: unknown, outputs: number[][]) => void): void;
}

const TULIND = (tulind as unknown as { indicators: Record<string, TulindIndicator> }).indicators;

export const INDICATORS: Record<string, IndicatorSpec> = Object.fromEntries(
  Object.values(TULIND).map((t) => [
    t.name,
    { name: t.name, fullName: t.full_name, inputs: t.input_names, options: t.option_names, outputs: t.output_names },
  ]),
);

export class IndicatorError extends Error {}

/**
 * EMA and SMA in plain JS, with Tulip's exact conventions (EMA seeded with the first value; SMA from period-1):
 * tulind marshals every value through a JS array (≈90 ms for a year of 1m candles), these loops take ≈1 ms, and
 * the crossing of two averages is what most strategies start with. The test vectors check both paths.
 */
const NATIVE: Record<string, (input: Float64Array, options: number[]) => Float64Array> = {
  ema(input, [period]) {
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
  },
  sma(input, [period]) {
    const out = new Float64Array(input.length).fill(NaN);
    let sum = 0;
    for (let i = 0; i < input.length; i++) {
      sum += input[i];
      if (i >= period) sum -= input[i - period];
      if (i >= period - 1) out[i] = sum / period;
    }
    return out;
  },
};

function checkOptions(spec: IndicatorSpec, options: number[]): void {
  if (options.length !== spec.options.length || options.some((o) => typeof o !== 'number' || !Number.isFinite(o))) {
    throw new IndicatorError(
      `ta.${spec.name} attend ${spec.options.length} option(s) numérique(s) : ${spec.options.join(', ') || 'aucune'}`,
    );
  }
}

/**
 * Computes an indicator over whole series and returns one array per output, aligned on the inputs (NaN during the
 * warm-up), so that index i of every output depends only on inputs up to i. Leading NaNs of the inputs (an
 * indicator of an indicator) are skipped rather than fed to tulind, which would carry them through every value.
 */
export function computeIndicator(name: string, inputs: Float64Array[], options: number[]): Float64Array[] {
  const spec = INDICATORS[name];
  if (!spec) throw new IndicatorError(`indicateur inconnu : ta.${name}`);
  if (inputs.length !== spec.inputs.length) {
    throw new IndicatorError(`ta.${name} attend ${spec.inputs.length} série(s) : ${spec.inputs.join(', ')}`);
  }
  checkOptions(spec, options);
  const length = inputs[0]?.length ?? 0;
  if (inputs.some((input) => input.length !== length)) {
    throw new IndicatorError(`ta.${name} : les séries d'entrée n'ont pas la même longueur`);
  }
  let first = 0;
  while (first < length && inputs.some((input) => Number.isNaN(input[first]))) first++;
  const outputs = spec.outputs.map(() => new Float64Array(length).fill(NaN));
  if (first >= length) return outputs;

  const native = NATIVE[name];
  if (native) {
    if (options[0] < 1) throw new IndicatorError(`ta.${name} : la période doit être au moins 1`);
    outputs[0].set(native(inputs[0].subarray(first), options), first);
    return outputs;
  }
  const tulindInputs = inputs.map((input) => Array.from(input.subarray(first)));
  let result: number[][] = [];
  TULIND[name].indicator(tulindInputs, options, (error, values) => {
    if (error) throw new IndicatorError(`ta.${name} : ${String(error)}`);
    result = values;
  });
  result.forEach((values, o) => outputs[o].set(values, length - values.length));
  return outputs;
}
