import { describe, expect, it } from 'vitest';
import type { SweepRun } from '@/api/sweeps';
import { gridOf, heatColor, heatmapOf, outOfSamplePairs, rowsOf, sortRuns } from './sweep-view';

const run = (
  index: number,
  params: Record<string, number>,
  finalAmount: number | null,
  phase: 'in' | 'out' = 'in',
): SweepRun => ({
  phase,
  index,
  params,
  status: finalAmount === null ? 'failed' : 'completed',
  metric: finalAmount,
  finalAmount: finalAmount === null ? null : String(finalAmount),
  stats:
    finalAmount === null
      ? null
      : {
          finalAmount: String(finalAmount),
          totalPnlPct: 0,
          totalTrades: 1,
          winRate: null,
          maxDrawdownPct: 1,
          sharpe: null,
          sortino: null,
          profitFactor: null,
          exposurePct: 0,
        },
  error: finalAmount === null ? 'cassé' : null,
  durationMs: 10,
  worker: 'w',
});

describe('the Optimisation form', () => {
  const specs = {
    fast: { default: 10, min: 5, max: 30, step: 5 },
    share: { default: 0.1 },
    slow: { default: 20, min: 10, max: 40, step: 10 },
  };

  it('starts from the declarations: the ranged ones varied, decimals in the language', () => {
    const rows = rowsOf(specs, 'fr');
    expect(rows.map((r) => [r.name, r.vary])).toEqual([
      ['fast', true],
      ['share', false],
      ['slow', false],
    ]);
    expect(rows[1].values).toBe('0,1');
    expect(gridOf(rows, 'fr')).toEqual({ params: { fast: { min: 5, max: 30, step: 5 } }, errors: {}, combinations: 6 });
  });

  it('counts combinations as the server expands them, lists included, and names a bad line', () => {
    const rows = rowsOf(specs, 'fr').map((r) => ({ ...r, vary: true }));
    rows[1] = { ...rows[1], mode: 'list', values: '0,1 0,2; 0,5' };
    expect(gridOf(rows, 'fr').combinations).toBe(6 * 3 * 4);
    expect(gridOf(rows, 'fr').params.share).toEqual([0.1, 0.2, 0.5]);
    rows[2] = { ...rows[2], min: '40', max: '10' };
    const bad = gridOf(rows, 'fr');
    expect(bad.combinations).toBeNull();
    expect(bad.errors['params.slow']).toMatch(/min doit être inférieur ou égal à max/);
    rows[2] = { ...rows[2], min: 'dix' };
    expect(gridOf(rows, 'fr').errors['params.slow']).toMatch(/min, max et pas attendus/);
  });
});

describe('the results', () => {
  const runs = [
    run(0, { fast: 5, slow: 20 }, 900),
    run(1, { fast: 5, slow: 30 }, 1200),
    run(2, { fast: 10, slow: 20 }, null),
    run(3, { fast: 10, slow: 30 }, 1100),
  ];

  it('sorts by a figure or a parameter, failed runs last either way', () => {
    expect(sortRuns(runs, { figure: 'finalAmount' }, 'desc').map((r) => r.index)).toEqual([1, 3, 0, 2]);
    expect(sortRuns(runs, { figure: 'finalAmount' }, 'asc').map((r) => r.index)).toEqual([0, 3, 1, 2]);
    expect(sortRuns(runs, { param: 'slow' }, 'desc').map((r) => r.index)).toEqual([1, 3, 0, 2]);
  });

  it('maps two parameters with the best run of each cell, holes where none completed', () => {
    const more = [...runs, run(4, { fast: 5, slow: 20, share: 2 }, 950)];
    const map = heatmapOf(more, 'fast', 'slow', (r) => r.metric, 'higher');
    expect(map.xs).toEqual([5, 10]);
    expect(map.ys).toEqual([20, 30]);
    expect(map.cells[0][0]?.run.index).toBe(4);
    expect(map.cells[0][1]).toBeNull();
    expect(map.cells[1].map((c) => c?.value)).toEqual([1200, 1100]);
    expect([map.min, map.max]).toEqual([950, 1200]);
    expect(heatColor(1200, 950, 1200, 'higher')).toBe('hsl(120, 65%, 42%)');
    expect(heatColor(1200, 950, 1200, 'lower')).toBe('hsl(0, 65%, 42%)');
  });

  it('pairs each out-of-sample run with its in-sample one, best in-sample first', () => {
    const all = [...runs, run(3, { fast: 10, slow: 30 }, 700, 'out'), run(1, { fast: 5, slow: 30 }, 800, 'out')];
    expect(outOfSamplePairs(all, 'higher').map((p) => [p.inSample.finalAmount, p.outOfSample.finalAmount])).toEqual([
      ['1200', '800'],
      ['1100', '700'],
    ]);
  });
});
