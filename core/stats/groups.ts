import { Dec, STORED_DECIMALS } from '../decimal';
import type { RoundTrip } from './round-trips';
import { SUMMARY_CURRENCY, summarize, type StatsSummary } from './summary';

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

const out = (value: Dec) => value.toDecimalPlaces(STORED_DECIMALS, Dec.ROUND_HALF_EVEN).toFixed();
const quoteOf = (symbol: string) => symbol.split('/')[1]?.split(':')[0] ?? '';

/** Entry cost held at once, at its highest: entries add their cost, exits take it back (exits first at a tie). */
export function peakCommitted(trips: RoundTrip[]): Dec {
  const events: [number, Dec][] = [];
  for (const trip of trips) {
    const cost = Dec(trip.quantity).times(trip.entryPrice);
    events.push([trip.entryTime, cost], [trip.exitTime, cost.neg()]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1].comparedTo(b[1]));
  let held = Dec(0);
  let peak = Dec(0);
  for (const [, change] of events) {
    held = held.plus(change);
    if (held.gt(peak)) peak = held;
  }
  return peak;
}

/** One summary per origin (`manual`, `strategy:<id>`, `webhook:<id>`) of the round trips closed in the period. */
export function summarizeByOrigin(
  trips: RoundTrip[],
  from: number,
  to: number,
  open: { origin: string; since: number }[] = [],
  now = Date.now(),
): OriginStats[] {
  const byOrigin = new Map<string, RoundTrip[]>();
  for (const trip of trips) {
    if (trip.exitTime < from || trip.exitTime >= to) continue;
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
      committedCapital: committed.isZero() ? null : out(committed),
      returnPct: committed.isZero()
        ? null
        : Dec(summary.realizedPnl).div(committed).times(100).toDecimalPlaces(2).toNumber(),
      lastTradeAt: new Date(last).toISOString(),
    };
  });
}

const DAY = 86_400_000;

export interface PnlSeries {
  /** Realised P&L per UTC day (the day a round trip closed), USDT-quoted trips only, days without a trip left out. */
  days: { day: string; pnl: string }[];
  /** Each origin's realised P&L cumulated at each of its trips' closes. */
  cumulative: { origin: string; points: { time: number; pnl: string }[] }[];
}

export function pnlSeries(trips: RoundTrip[], from: number, to: number): PnlSeries {
  const inPeriod = trips
    .filter((t) => t.exitTime >= from && t.exitTime < to && quoteOf(t.symbol) === SUMMARY_CURRENCY)
    .sort((a, b) => a.exitTime - b.exitTime);
  const days = new Map<number, Dec>();
  const cumulative = new Map<string, { total: Dec; points: { time: number; pnl: string }[] }>();
  for (const trip of inPeriod) {
    const day = Math.floor(trip.exitTime / DAY) * DAY;
    days.set(day, (days.get(day) ?? Dec(0)).plus(trip.realizedPnl));
    const line = cumulative.get(trip.origin) ?? { total: Dec(0), points: [] };
    line.total = line.total.plus(trip.realizedPnl);
    line.points.push({ time: trip.exitTime, pnl: out(line.total) });
    cumulative.set(trip.origin, line);
  }
  return {
    days: [...days].map(([day, pnl]) => ({ day: new Date(day).toISOString().slice(0, 10), pnl: out(pnl) })),
    cumulative: [...cumulative].map(([origin, line]) => ({ origin, points: line.points })),
  };
}
