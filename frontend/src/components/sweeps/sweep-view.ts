import { expandRange, type ParamRange } from '@core/sweeps/grid';
import type { ParamSpecs } from '@core/sandbox/strategy-params';
import type { RunFigures, SweepRun } from '@/api/sweeps';
import { parseDecimalInput, toDecimalInput } from '@/format/number-input';
import type { Language } from '@/stores/prefs';

/** One line of the Optimisation form: a declared parameter, varied over a range or a list, or left at its default. */
export interface ParamRow {
  name: string;
  vary: boolean;
  mode: 'range' | 'list';
  min: string;
  max: string;
  step: string;
  values: string;
}

const text = (value: number | undefined, language: Language) =>
  value === undefined ? '' : toDecimalInput(String(value), language);

/** The form's lines for what a strategy declares: its range when it gives one, else its default alone. */
export function rowsOf(specs: ParamSpecs, language: Language): ParamRow[] {
  return Object.entries(specs).map(([name, spec], k) => ({
    name,
    // The first two declared parameters are varied by default: enough for a heatmap.
    vary: k < 2 && spec.min !== undefined && spec.max !== undefined,
    mode: 'range',
    min: text(spec.min ?? spec.default, language),
    max: text(spec.max ?? spec.default, language),
    step: text(spec.step ?? 1, language),
    values: text(spec.default, language),
  }));
}

export interface GridDraft {
  params: Record<string, ParamRange>;
  /** By field (`params.fast`): what is wrong, in the server's words. */
  errors: Record<string, string>;
  /** Combinations before constraints and sampling; null while a line is wrong. */
  combinations: number | null;
}

/** The `params` of the request and their count, read from the form as the server will read them. */
export function gridOf(rows: ParamRow[], language: Language): GridDraft {
  const params: Record<string, ParamRange> = {};
  const errors: Record<string, string> = {};
  let combinations: number | null = 1;
  const number = (value: string) => {
    const parsed = parseDecimalInput(value, language);
    return parsed === null || parsed === '' ? null : Number(parsed);
  };
  for (const row of rows.filter((r) => r.vary)) {
    const field = `params.${row.name}`;
    let range: ParamRange | null = null;
    if (row.mode === 'list') {
      const values = row.values
        .split(language === 'fr' ? /[;\s]+/ : /[,;\s]+/)
        .filter(Boolean)
        .map(number);
      if (values.length === 0 || values.some((v) => v === null)) {
        errors[field] = `Paramètre ${row.name} : liste de nombres attendue`;
      } else range = values as number[];
    } else {
      const [min, max, step] = [row.min, row.max, row.step].map(number);
      if (min === null || max === null || step === null)
        errors[field] = `Paramètre ${row.name} : min, max et pas attendus`;
      else range = { min, max, step };
    }
    if (range) {
      try {
        combinations = combinations === null ? null : combinations * expandRange(row.name, range).length;
        params[row.name] = range;
      } catch (error) {
        errors[field] = (error as Error).message;
      }
    }
    if (errors[field]) combinations = null;
  }
  if (Object.keys(params).length === 0 && Object.keys(errors).length === 0) combinations = 0;
  return { params, errors, combinations };
}

/** What a results table can be sorted by: a parameter, or one of the run's figures. */
export type SortKey = { param: string } | { figure: keyof RunFigures };

const valueOf = (run: SweepRun, key: SortKey): number | null => {
  if ('param' in key) return run.params[key.param] ?? null;
  const v = run.stats?.[key.figure];
  return v === null || v === undefined ? null : Number(v);
};

/** Runs sorted by one column; runs without the value (failed, undefined figure) last in either direction. */
export function sortRuns(runs: SweepRun[], key: SortKey, direction: 'asc' | 'desc'): SweepRun[] {
  const sign = direction === 'asc' ? 1 : -1;
  return [...runs].sort((a, b) => {
    const x = valueOf(a, key);
    const y = valueOf(b, key);
    if (x === null || y === null) return x === null ? (y === null ? a.index - b.index : 1) : -1;
    return (x - y) * sign || a.index - b.index;
  });
}

export interface Heatmap {
  xs: number[];
  ys: number[];
  /** cells[j][i]: the best run at xs[i], ys[j] (other parameters varied), or null when none completed there. */
  cells: ({ value: number; run: SweepRun } | null)[][];
  min: number;
  max: number;
}

/** Two parameters against each other: in each cell, the best value of the metric over the other parameters. */
export function heatmapOf(
  runs: SweepRun[],
  x: string,
  y: string,
  metric: (run: SweepRun) => number | null,
  better: 'higher' | 'lower',
): Heatmap {
  const done = runs.filter((r) => r.status === 'completed');
  const xs = [...new Set(done.map((r) => r.params[x]))].sort((a, b) => a - b);
  const ys = [...new Set(done.map((r) => r.params[y]))].sort((a, b) => a - b);
  const cells: Heatmap['cells'] = ys.map(() => xs.map(() => null));
  for (const run of done) {
    const value = metric(run);
    if (value === null || !Number.isFinite(value)) continue;
    const i = xs.indexOf(run.params[x]);
    const j = ys.indexOf(run.params[y]);
    const cell = cells[j][i];
    if (!cell || (better === 'higher' ? value > cell.value : value < cell.value)) cells[j][i] = { value, run };
  }
  // The colour scale spans what the cells show.
  const shown = cells.flat().flatMap((cell) => (cell ? [cell.value] : []));
  return { xs, ys, cells, min: Math.min(...shown), max: Math.max(...shown) };
}

/** Red (worst) to green (best) through yellow, for a value between min and max. */
export function heatColor(value: number, min: number, max: number, better: 'higher' | 'lower'): string {
  const share = max === min ? 1 : (value - min) / (max - min);
  const good = better === 'higher' ? share : 1 - share;
  return `hsl(${Math.round(good * 120)}, 65%, 42%)`;
}

/** The combinations re-run out of sample, each beside its in-sample run, in the in-sample ranking's order. */
export function outOfSamplePairs(
  runs: SweepRun[],
  better: 'higher' | 'lower',
): { inSample: SweepRun; outOfSample: SweepRun }[] {
  const byIndex = new Map(runs.filter((r) => r.phase === 'in').map((r) => [r.index, r]));
  const sign = better === 'higher' ? -1 : 1;
  return runs
    .filter((r) => r.phase === 'out')
    .flatMap((out) => {
      const inSample = byIndex.get(out.index);
      return inSample ? [{ inSample, outOfSample: out }] : [];
    })
    .sort(
      (a, b) => sign * ((a.inSample.metric ?? 0) - (b.inSample.metric ?? 0)) || a.inSample.index - b.inSample.index,
    );
}
