import type { HistogramData, LineData, SeriesMarker, UTCTimestamp } from 'lightweight-charts';
import type { BalanceResponse, OriginRow, PnlResponse } from '@/api/stats';

export type PeriodPreset = '7d' | '30d' | '90d' | 'all' | 'custom';
const DAY = 86_400_000;
const PRESET_DAYS: Record<string, number> = { '7d': 7, '30d': 30, '90d': 90 };

/** The period's bounds as the API reads them (ISO); `all` and an empty custom bound leave it open. */
export function periodRange(
  preset: PeriodPreset,
  now: number,
  custom: { from?: string; to?: string } = {},
): { from?: string; to?: string } {
  if (preset === 'all') return {};
  if (preset === 'custom') return { from: custom.from || undefined, to: custom.to || undefined };
  return { from: new Date(now - PRESET_DAYS[preset] * DAY).toISOString() };
}

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000) as UTCTimestamp;

/** Lines of one value per time: the chart refuses two points at the same second, the later one is kept. */
function line(points: { time: string; value: number }[]): LineData<UTCTimestamp>[] {
  const byTime = new Map<number, LineData<UTCTimestamp>>();
  for (const p of points) byTime.set(seconds(p.time), { time: seconds(p.time), value: p.value });
  return [...byTime.values()].sort((a, b) => a.time - b.time);
}

/** The balance, and the balance without the transfers made in the period (what trading made of it). */
export function balanceSeries(points: BalanceResponse['points']) {
  return {
    value: line(points.map((p) => ({ time: p.time, value: Number(p.value) }))),
    performance: line(points.map((p) => ({ time: p.time, value: Number(p.performance) }))),
  };
}

/**
 * A marker on the balance line at each deposit (up, green) and withdrawal (down, red), on the first point at or
 * after it, with its amount as `label` writes it.
 */
export function flowMarkers(
  flows: BalanceResponse['flows'],
  points: BalanceResponse['points'],
  label: (valueUsd: string) => string,
): SeriesMarker<UTCTimestamp>[] {
  const times = points.map((p) => seconds(p.time)).sort((a, b) => a - b);
  const markers: SeriesMarker<UTCTimestamp>[] = [];
  for (const flow of flows) {
    const at = times.find((t) => t >= seconds(flow.time));
    if (at === undefined) continue;
    const deposit = Number(flow.valueUsd) > 0;
    markers.push({
      time: at,
      position: deposit ? 'belowBar' : 'aboveBar',
      shape: deposit ? 'arrowUp' : 'arrowDown',
      color: deposit ? '#00c86e' : '#ff0055',
      text: label(flow.valueUsd),
    });
  }
  return markers.sort((a, b) => a.time - b.time);
}

/** Daily realised P&L as bars, green above zero and red below. */
export function dailyBars(days: PnlResponse['days']): HistogramData<UTCTimestamp>[] {
  return days.map((d) => {
    const value = Number(d.pnl);
    return { time: seconds(`${d.day}T00:00:00Z`), value, color: value >= 0 ? '#00c86e' : '#ff0055' };
  });
}

const PALETTE = ['#00d4ff', '#ffb020', '#b084ff', '#ff6b9a', '#4ade80', '#f97316', '#22d3ee', '#e879f9'];

/** One cumulated P&L line per origin, each its colour, starting at zero just before its first trade. */
export function cumulativeLines(cumulative: PnlResponse['cumulative']) {
  return cumulative.map((c, i) => ({
    origin: c.origin,
    label: c.label,
    color: PALETTE[i % PALETTE.length],
    data: line([
      ...(c.points.length ? [{ time: new Date(c.points[0].time - 1000).toISOString(), value: 0 }] : []),
      ...c.points.map((p) => ({ time: new Date(p.time).toISOString(), value: Number(p.pnl) })),
    ]),
  }));
}

export type SortKey =
  | 'label'
  | 'trades'
  | 'winRate'
  | 'realizedPnl'
  | 'returnPct'
  | 'fees'
  | 'profitFactor'
  | 'maxDrawdown'
  | 'averageTrade'
  | 'lastTradeAt';

/** The table's rows sorted by a column: decimal strings as numbers, empty values last whichever the direction. */
export function sortRows(rows: OriginRow[], key: SortKey, direction: 'asc' | 'desc'): OriginRow[] {
  const valueOf = (row: OriginRow): number | string | null => {
    const raw = row[key];
    if (raw === null || raw === undefined) return null;
    if (key === 'label') return String(raw).toLocaleLowerCase();
    if (key === 'lastTradeAt') return Date.parse(String(raw));
    return Number(raw);
  };
  const sign = direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = valueOf(a);
    const y = valueOf(b);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    return (x < y ? -1 : x > y ? 1 : 0) * sign;
  });
}
