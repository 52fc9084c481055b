import { ValidationError } from '../errors';
import type { ParamSpecs, ParamValues } from '../sandbox/strategy-params';

/** A parameter's values in a sweep: a range walked by its step, or the values listed. */
export type ParamRange = { min: number; max: number; step: number } | number[];
export type Grid = Record<string, ParamRange>;

/** `fast < slow`, `slow >= 20`: two parameter names or numbers and a comparison. */
export interface Constraint {
  left: string | number;
  op: '<' | '<=' | '>' | '>=' | '==' | '!=';
  right: string | number;
}

/** Values one parameter may take, and combinations a sweep may enumerate before it samples. */
export const MAX_VALUES_PER_PARAM = 1000;
export const MAX_COMBINATIONS = 200_000;
export const MAX_RUNS = 1000;

/** 12 significant digits: `0.1 + 0.2` steps give 0.3, as the user wrote them. */
const clean = (x: number) => Number(x.toPrecision(12));

/** The values of one parameter, in order, without repeats. */
export function expandRange(name: string, range: ParamRange): number[] {
  const field = `params.${name}`;
  if (Array.isArray(range)) {
    if (range.length === 0) throw new ValidationError(`Paramètre ${name} : au moins une valeur`, field);
    if (range.length > MAX_VALUES_PER_PARAM) {
      throw new ValidationError(`Paramètre ${name} : ${MAX_VALUES_PER_PARAM} valeurs au plus`, field);
    }
    return [...new Set(range)];
  }
  const { min, max, step } = range;
  if (min > max) throw new ValidationError(`Paramètre ${name} : min doit être inférieur ou égal à max`, field);
  if (!(step > 0)) throw new ValidationError(`Paramètre ${name} : le pas doit être positif`, field);
  const count = Math.floor(clean((max - min) / step)) + 1;
  if (count > MAX_VALUES_PER_PARAM) {
    throw new ValidationError(`Paramètre ${name} : ${MAX_VALUES_PER_PARAM} valeurs au plus (pas trop petit)`, field);
  }
  return Array.from({ length: count }, (_, k) => clean(min + k * step));
}

const CONSTRAINT =
  /^\s*([A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d+)?)\s*(<=|>=|==|!=|<|>)\s*([A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d+)?)\s*$/;

/** Reads `fast < slow`; names must be parameters the strategy declares. */
export function parseConstraint(text: string, index: number, specs: ParamSpecs): Constraint {
  const field = `constraints.${index}`;
  const match = CONSTRAINT.exec(text);
  if (!match) {
    throw new ValidationError(`Contrainte « ${text.slice(0, 60)} » : forme attendue « fast < slow »`, field);
  }
  const operand = (token: string): string | number => {
    if (/^-?\d/.test(token)) return Number(token);
    if (!Object.hasOwn(specs, token)) {
      throw new ValidationError(`Contrainte « ${text} » : ${token} n’est pas un paramètre de la stratégie`, field);
    }
    return token;
  };
  return { left: operand(match[1]), op: match[2] as Constraint['op'], right: operand(match[3]) };
}

export function satisfies(constraints: Constraint[], values: ParamValues): boolean {
  const read = (x: string | number) => (typeof x === 'number' ? x : values[x]);
  return constraints.every(({ left, op, right }) => {
    const a = read(left);
    const b = read(right);
    switch (op) {
      case '<':
        return a < b;
      case '<=':
        return a <= b;
      case '>':
        return a > b;
      case '>=':
        return a >= b;
      case '==':
        return a === b;
      case '!=':
        return a !== b;
    }
  });
}

/** A small seeded generator (mulberry32), so a sweep's sample is the same every time it is built. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface Combinations {
  /** Combinations the grid and the constraints allow. */
  total: number;
  /** What will run: all of them, or a random sample of `maxRuns` kept in grid order. */
  runs: ParamValues[];
}

/**
 * The combinations of a grid (every declared parameter not in it keeps its default), filtered by the constraints,
 * sampled down to `maxRuns` when there are more.
 */
export function combinations(
  specs: ParamSpecs,
  grid: Grid,
  constraints: Constraint[],
  maxRuns: number,
  seed: number,
): Combinations {
  const names = Object.keys(grid);
  if (names.length === 0) throw new ValidationError('Paramètres : au moins un paramètre à faire varier', 'params');
  for (const name of names) {
    if (!Object.hasOwn(specs, name)) {
      const known = Object.keys(specs);
      throw new ValidationError(
        `Paramètre inconnu : ${name} (${known.length ? `la stratégie déclare ${known.join(', ')}` : 'la stratégie n’en déclare aucun : ajoutez static params'})`,
        `params.${name}`,
      );
    }
  }
  const axes = names.map((name) => expandRange(name, grid[name]));
  const size = axes.reduce((product, values) => product * values.length, 1);
  if (size > MAX_COMBINATIONS) {
    throw new ValidationError(
      `Paramètres : ${size.toLocaleString('fr-FR')} combinaisons, ${MAX_COMBINATIONS.toLocaleString('fr-FR')} au plus (élargissez les pas)`,
      'params',
    );
  }
  const defaults = Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, spec.default]));
  const all: ParamValues[] = [];
  const digits = new Array<number>(names.length).fill(0);
  for (let k = 0; k < size; k++) {
    const values: ParamValues = { ...defaults };
    names.forEach((name, d) => (values[name] = axes[d][digits[d]]));
    if (satisfies(constraints, values)) all.push(values);
    for (let d = names.length - 1; d >= 0; d--) {
      if (++digits[d] < axes[d].length) break;
      digits[d] = 0;
    }
  }
  if (all.length === 0) throw new ValidationError('Contraintes : aucune combinaison ne les respecte', 'constraints');
  if (all.length <= maxRuns) return { total: all.length, runs: all };
  // A partial Fisher-Yates picks which indexes run; they run in grid order.
  const random = seeded(seed);
  const order = all.map((_, k) => k);
  for (let k = 0; k < maxRuns; k++) {
    const j = k + Math.floor(random() * (order.length - k));
    [order[k], order[j]] = [order[j], order[k]];
  }
  const picked = order.slice(0, maxRuns).sort((a, b) => a - b);
  return { total: all.length, runs: picked.map((k) => all[k]) };
}
