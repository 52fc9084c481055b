import { ValidationError } from '../errors';
import { combinations, expandRange, parseConstraint, satisfies } from './grid';

const SPECS = { fast: { default: 10 }, slow: { default: 20 }, share: { default: 0.1 } };

describe('sweep grids', () => {
  it('walks a range by its step as the user wrote it, without float drift', () => {
    expect(expandRange('share', { min: 0.1, max: 0.5, step: 0.1 })).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(expandRange('fast', { min: 5, max: 30, step: 5 })).toEqual([5, 10, 15, 20, 25, 30]);
    expect(expandRange('fast', { min: 5, max: 7, step: 5 })).toEqual([5]);
    expect(expandRange('fast', [3, 1, 3])).toEqual([3, 1]);
  });

  it('enumerates in grid order, keeps defaults for the others, and applies the constraints', () => {
    const constraints = [parseConstraint('fast < slow', 0, SPECS)];
    const { total, runs } = combinations(SPECS, { fast: [10, 20, 30], slow: [15, 25] }, constraints, 100, 1);
    expect(total).toBe(3);
    expect(runs).toEqual([
      { fast: 10, slow: 15, share: 0.1 },
      { fast: 10, slow: 25, share: 0.1 },
      { fast: 20, slow: 25, share: 0.1 },
    ]);
  });

  it('samples maxRuns combinations, the same for the same seed, in grid order', () => {
    const grid = { fast: { min: 1, max: 50, step: 1 }, slow: [100, 200] };
    const a = combinations(SPECS, grid, [], 10, 42);
    expect(a.total).toBe(100);
    expect(a.runs).toHaveLength(10);
    expect(combinations(SPECS, grid, [], 10, 42).runs).toEqual(a.runs);
    expect(combinations(SPECS, grid, [], 10, 43).runs).not.toEqual(a.runs);
    const keys = a.runs.map((r) => r.fast * 1000 + r.slow);
    expect([...keys].sort((x, y) => x - y)).toEqual(keys);
    expect(new Set(keys).size).toBe(10);
  });

  it('reads constraints between names and numbers', () => {
    const check = (text: string, values: Record<string, number>) =>
      satisfies([parseConstraint(text, 0, SPECS)], values);
    expect(check('slow >= 20', { slow: 20 })).toBe(true);
    expect(check('fast != slow', { fast: 3, slow: 3 })).toBe(false);
    expect(check('0.05 <= share', { share: 0.1 })).toBe(true);
    expect(() => parseConstraint('fast < slow; process.exit()', 0, SPECS)).toThrow(ValidationError);
    expect(() => parseConstraint('fast < ghost', 2, SPECS)).toThrow(/ghost n’est pas un paramètre/);
  });

  it('refuses grids too large, names not declared, and empty results', () => {
    expect(() => combinations(SPECS, {}, [], 10, 1)).toThrow(/au moins un paramètre/);
    expect(() => combinations(SPECS, { ghost: [1] }, [], 10, 1)).toThrow(/Paramètre inconnu : ghost/);
    const big = { fast: { min: 1, max: 1000, step: 1 }, slow: { min: 1, max: 1000, step: 1 } };
    expect(() => combinations(SPECS, big, [], 10, 1)).toThrow(/combinaisons, 200\s000 au plus/);
    const never = [parseConstraint('fast > slow', 0, SPECS)];
    expect(() => combinations(SPECS, { fast: [1], slow: [2] }, never, 10, 1)).toThrow(/aucune combinaison/);
  });
});
