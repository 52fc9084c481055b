import { divFixed18, fixedOf, fixedToNumber, fromFixed18, toFixed18 } from './fixed';
import type { RoundTrip } from './round-trips';
import { byExit, quoteOf, SUMMARY_CURRENCY, summarize, type StatsSummary } from './summary';

export interface OriginStats extends StatsSummary {
  origin: string;
  /**
   * The most quote the origin's USDT round trips held at once (their entry cost), the capital it committed: the
   * return below is the realised P&L over it.
   */
  committedCapital: string | null;
  returnPct: number | null;
  /** When its last round trip in the period closed (ISO), null without one. */
  lastTradeAt: string | null;
}

/** Entry cost held at once, at its highest: entries add their cost, exits take it back (exits first at a tie). */
export function peakCommitted(trips: RoundTrip[]): bigint {
  // Entries in entry order and exits in exit order, walked together (exits first at the same time): no list of
  // events to build and sort, which over a year of trades cost more than the sums.
  const exits = byExit([...trips]);
  const entries = [...trips].sort((a, b) => a.entryTime - b.entryTime);
  let held = 0n;
  let peak = 0n;
  let out = 0;
  for (const entry of entries) {
    for (; out < exits.length && exits[out].exitTime <= entry.entryTime; out++) held -= fixedOf(exits[out]).cost;
    held += fixedOf(entry).cost;
    if (held > peak) peak = held;
  }
  return peak;
}

/** One summary per origin (`manual`, `strategy:<id>`, `webhook:<id>`) of the round trips closed in the period. */
export function summarizeByOrigin(
  trips: RoundTrip[],
  from: number,
  to: number,
  open: { origin: string; since: number }[] = [],
  kinds: string[] = ['manual', 'strategy', 'webhook'],
  now = Date.now(),
): OriginStats[] {
  const byOrigin = new Map<string, RoundTrip[]>();
  for (const trip of trips) {
    if (trip.exitTime < from || trip.exitTime >= to) continue;
    if (!kinds.some((kind) => trip.origin.startsWith(kind))) continue;
    const list = byOrigin.get(trip.origin) ?? [];
    list.push(trip);
    byOrigin.set(trip.origin, list);
  }
  return [...byOrigin].map(([origin, list]) => {
    const summary = summarize(list, from, to, { open: open.filter((o) => o.origin === origin), now });
    const committed = peakCommitted(list.filter((t) => quoteOf(t.symbol) === SUMMARY_CURRENCY));
    const last = list.reduce((latest, t) => Math.max(latest, t.exitTime), 0);
    return {
      origin,
      ...summary,
      committedCapital: committed === 0n ? null : fromFixed18(committed),
      returnPct:
        committed === 0n
          ? null
          : Math.round(fixedToNumber(divFixed18(toFixed18(summary.realizedPnl) * 100n, committed)) * 100) / 100,
      lastTradeAt: new Date(last).toISOString(),
    };
  });
}

const DAY = 86_400_000;

export interface PnlSeries {
  /** Realised P&L per UTC day (the day a round trip closed), USDT-quoted trips only, days without a trip left out. */
  days: { day: string; pnl: string }[];
  /** Each origin's realised P&L cumulated, at the last close of each UTC day it traded. */
  cumulative: { origin: string; points: { time: number; pnl: string }[] }[];
}

export function pnlSeries(trips: RoundTrip[], from: number, to: number): PnlSeries {
  const inPeriod = byExit(
    trips.filter((t) => t.exitTime >= from && t.exitTime < to && quoteOf(t.symbol) === SUMMARY_CURRENCY),
  );
  const days = new Map<number, bigint>();
  const cumulative = new Map<string, { total: bigint; points: { time: number; pnl: bigint; day: number }[] }>();
  for (const trip of inPeriod) {
    const day = Math.floor(trip.exitTime / DAY) * DAY;
    const { pnl } = fixedOf(trip);
    days.set(day, (days.get(day) ?? 0n) + pnl);
    const line = cumulative.get(trip.origin) ?? { total: 0n, points: [] };
    line.total += pnl;
    // One point per origin and day (its last trip's), enough for a chart and small over a year of trades.
    const last = line.points[line.points.length - 1];
    if (last && last.day === day) Object.assign(last, { time: trip.exitTime, pnl: line.total });
    else line.points.push({ time: trip.exitTime, pnl: line.total, day });
    cumulative.set(trip.origin, line);
  }
  return {
    days: [...days].map(([day, pnl]) => ({ day: new Date(day).toISOString().slice(0, 10), pnl: fromFixed18(pnl) })),
    cumulative: [...cumulative].map(([origin, line]) => ({
      origin,
      points: line.points.map((p) => ({ time: p.time, pnl: fromFixed18(p.pnl) })),
    })),
  };
}
