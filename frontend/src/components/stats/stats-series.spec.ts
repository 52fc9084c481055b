import { describe, expect, it } from 'vitest';
import type { OriginRow } from '@/api/stats';
import { balanceSeries, cumulativeLines, dailyBars, flowMarkers, periodRange, sortRows } from './stats-series';

const NOW = Date.UTC(2026, 11, 3, 12);

describe('periodRange', () => {
  it('opens the presets from now, leaves "all" open and passes custom bounds', () => {
    expect(periodRange('7d', NOW)).toEqual({ from: '2026-11-26T12:00:00.000Z' });
    expect(periodRange('all', NOW)).toEqual({});
    expect(periodRange('custom', NOW, { from: '2026-11-01', to: '' })).toEqual({ from: '2026-11-01', to: undefined });
  });
});

describe('balance chart', () => {
  const points = [
    { time: '2026-12-01T10:00:00.000Z', value: '1000', performance: '1000' },
    { time: '2026-12-01T11:00:00.000Z', value: '1500', performance: '1000' },
    { time: '2026-12-01T11:00:00.400Z', value: '1510', performance: '1010' },
  ];
  it('draws the value and the performance, one point per second', () => {
    const series = balanceSeries(points);
    expect(series.value).toEqual([
      { time: Date.parse(points[0].time) / 1000, value: 1000 },
      { time: Date.parse(points[1].time) / 1000, value: 1510 },
    ]);
    expect(series.performance.map((p) => p.value)).toEqual([1000, 1010]);
  });
  it('marks a deposit and a withdrawal on the first point at or after them', () => {
    const flows = [
      { time: '2026-12-01T10:30:00.000Z', brokerId: 1, valueUsd: '500', assets: { USDT: '500' } },
      { time: '2026-12-01T12:30:00.000Z', brokerId: 1, valueUsd: '-20', assets: { USDT: '-20' } },
      { time: '2026-12-01T11:00:00.000Z', brokerId: 1, valueUsd: '-5', assets: { USDT: '-5' } },
    ];
    const markers = flowMarkers(flows, points, (v) => `${v} USDT`);
    // The last flow has no point after it.
    expect(markers).toEqual([
      {
        time: Date.parse(points[1].time) / 1000,
        position: 'belowBar',
        shape: 'arrowUp',
        color: '#00c86e',
        text: '500 USDT',
      },
      {
        time: Date.parse(points[1].time) / 1000,
        position: 'aboveBar',
        shape: 'arrowDown',
        color: '#ff0055',
        text: '-5 USDT',
      },
    ]);
  });
});

describe('P&L charts', () => {
  it('colours daily bars by their sign', () => {
    expect(
      dailyBars([
        { day: '2026-12-01', pnl: '12.5' },
        { day: '2026-12-02', pnl: '-3' },
      ]),
    ).toEqual([
      { time: Date.UTC(2026, 11, 1) / 1000, value: 12.5, color: '#00c86e' },
      { time: Date.UTC(2026, 11, 2) / 1000, value: -3, color: '#ff0055' },
    ]);
  });
  it('starts each cumulative line at zero before its first trade, in its own colour', () => {
    const lines = cumulativeLines([
      {
        origin: 'manual',
        label: 'Trading manuel',
        points: [
          { time: 10_000, pnl: '5' },
          { time: 20_000, pnl: '2' },
        ],
      },
      { origin: 'strategy:3', label: 'Cross', points: [{ time: 15_000, pnl: '-1' }] },
    ]);
    expect(lines[0].data).toEqual([
      { time: 9, value: 0 },
      { time: 10, value: 5 },
      { time: 20, value: 2 },
    ]);
    expect(lines[0].color).not.toBe(lines[1].color);
  });
});

describe('sortRows', () => {
  const row = (label: string, realizedPnl: string, profitFactor: number | null) =>
    ({ label, realizedPnl, profitFactor }) as unknown as OriginRow;
  const rows = [row('b', '9.5', null), row('A', '-12', 2), row('c', '100', 0.5)];
  it('sorts decimal strings as numbers and names without case', () => {
    expect(sortRows(rows, 'realizedPnl', 'desc').map((r) => r.label)).toEqual(['c', 'b', 'A']);
    expect(sortRows(rows, 'label', 'asc').map((r) => r.label)).toEqual(['A', 'b', 'c']);
  });
  it('keeps empty values last in both directions', () => {
    expect(sortRows(rows, 'profitFactor', 'asc').map((r) => r.label)).toEqual(['c', 'A', 'b']);
    expect(sortRows(rows, 'profitFactor', 'desc').map((r) => r.label)).toEqual(['A', 'c', 'b']);
  });
});
