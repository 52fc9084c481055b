import { StrategyError } from './strategy-error';

/** One parameter a strategy declares in `static params`: its default, and the range a sweep starts from. */
export interface ParamSpec {
  default: number;
  min?: number;
  max?: number;
  step?: number;
}

export type ParamSpecs = Record<string, ParamSpec>;
/** The values of one run, by parameter name. */
export type ParamValues = Record<string, number>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,39}$/;
const FIELDS = ['default', 'min', 'max', 'step'] as const;
const INVALID = 'La stratégie a déclaré des paramètres invalides.';

/**
 * The declarations as the prelude wrote them (JSON of numbers), checked again: the host trusts nothing that left
 * the isolate.
 */
export function parseParamSpecs(text: string): ParamSpecs {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new StrategyError(INVALID);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new StrategyError(INVALID);
  const specs: ParamSpecs = {};
  for (const [name, value] of Object.entries(raw)) {
    if (!NAME.test(name) || value === null || typeof value !== 'object') throw new StrategyError(INVALID);
    const spec: Partial<ParamSpec> = {};
    for (const field of FIELDS) {
      const v = (value as Record<string, unknown>)[field];
      if (v === undefined && field !== 'default') continue;
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new StrategyError(INVALID);
      spec[field] = v;
    }
    specs[name] = spec as ParamSpec;
  }
  return specs;
}

/**
 * Checks the values asked for a run against what the strategy declares: an unknown name or a value that is not a
 * finite number is refused, naming it; missing names take their default (inside the isolate).
 */
export function checkParamValues(specs: ParamSpecs, values: ParamValues | undefined): ParamValues {
  const out: ParamValues = {};
  for (const [name, value] of Object.entries(values ?? {})) {
    if (!Object.hasOwn(specs, name)) {
      const known = Object.keys(specs);
      throw new StrategyError(
        `Paramètre inconnu : ${name} (${known.length ? `la stratégie déclare ${known.join(', ')}` : 'la stratégie n’en déclare aucun'}).`,
      );
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new StrategyError(`Paramètre ${name} : nombre attendu.`);
    }
    out[name] = value;
  }
  return out;
}

/** Every declared parameter with its value for a run: the given ones, else the defaults. */
export function withDefaults(specs: ParamSpecs, values: ParamValues | undefined): ParamValues {
  return Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, values?.[name] ?? spec.default]));
}
