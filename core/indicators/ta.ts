import tulind from 'tulind';
import { NATIVE } from './native';

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
  const native = NATIVE[name];
  const problem = native?.problem(options);
  if (problem) throw new IndicatorError(`ta.${name} : ${problem}`);
  let first = 0;
  while (first < length && inputs.some((input) => Number.isNaN(input[first]))) first++;
  if (native && first === 0) return native.compute(inputs, options);
  const outputs = spec.outputs.map(() => new Float64Array(length).fill(NaN));
  if (first >= length) return outputs;

  if (native) {
    const values = native.compute(
      inputs.map((input) => input.subarray(first)),
      options,
    );
    values.forEach((v, o) => outputs[o].set(v, first));
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
