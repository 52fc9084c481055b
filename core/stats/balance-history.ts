import type { Knex } from 'knex';
import { Dec, STORED_DECIMALS } from '../decimal';
import { fromFixed18, toFixed18 } from './fixed';
import type { StatsFill } from './round-trips';

const HOUR = 3_600_000;
const out = (value: Dec) => value.toDecimalPlaces(STORED_DECIMALS, Dec.ROUND_HALF_EVEN).toFixed();

type Holdings = Record<string, { total: string; priceUsd: string | null }>;

export interface Snapshot {
  brokerId: number;
  key: string;
  time: number;
  value: string | null;
  holdings: Holdings | null;
  reason: string | null;
}

export interface BalanceFlow {
  time: string;
  brokerId: number;
  /** What came in (positive, a deposit) or went out (a withdrawal), valued in USDT at the later snapshot's prices. */
  valueUsd: string;
  assets: Record<string, string>;
}

export interface BalanceHistory {
  /** The balance in USDT; `performance` is it without the deposits and withdrawals made since the period began. */
  points: { time: string; value: string; performance: string }[];
  missing: { time: string; brokerId: number; reason: string }[];
  flows: BalanceFlow[];
}

export async function loadSnapshots(
  db: Knex,
  userId: number,
  filters: { brokerId?: number; from: number; to: number },
): Promise<Snapshot[]> {
  const rows: {
    broker_id: string;
    key: string;
    time: Date;
    value_usdt: string | null;
    holdings: Holdings | null;
    missing_reason: string | null;
  }[] = await db('balance_snapshots')
    .where('user_id', userId)
    .modify((q) => {
      if (filters.brokerId !== undefined) q.where('broker_id', filters.brokerId);
    })
    .where('time', '>=', new Date(filters.from))
    .where('time', '<', new Date(filters.to))
    .orderBy([{ column: 'time' }, { column: 'id' }])
    .select('broker_id', 'key', 'time', 'value_usdt', 'holdings', 'missing_reason');
  return rows.map((r) => ({
    brokerId: Number(r.broker_id),
    key: r.key,
    time: new Date(r.time).getTime(),
    value: r.value_usdt === null ? null : Dec(r.value_usdt).toFixed(),
    holdings: r.holdings,
    reason: r.missing_reason,
  }));
}

/** What the fills between two snapshots did to each asset (spot: base in or out, quote the other way, fees out). */
function fillChanges(fills: StatsFill[]): Map<string, Dec> | null {
  const changes = new Map<string, Dec>();
  const add = (asset: string, amount: Dec) => changes.set(asset, (changes.get(asset) ?? Dec(0)).plus(amount));
  for (const fill of fills) {
    // A derivative's fill moves margin, not holdings: the interval cannot be told apart from a transfer.
    if (fill.symbol.includes(':')) return null;
    const [base, quote] = fill.symbol.split('/');
    const sign = fill.side === 'buy' ? 1 : -1;
    add(base, Dec(fill.quantity).times(sign));
    add(quote, Dec(fill.quantity).times(fill.price).times(-sign));
    if (fill.fee && fill.feeCurrency) add(fill.feeCurrency, Dec(fill.fee).neg());
  }
  return changes;
}

/**
 * Deposits and withdrawals of one broker (the snapshots are all its own): between two snapshots, whatever its holdings changed by that its fills do
 * not explain. Smaller than 1 USDT and 0.1 % of the balance, it is rounding or dust, not a transfer.
 */
export function detectFlows(snapshots: Snapshot[], fills: StatsFill[]): BalanceFlow[] {
  const taken = snapshots.filter((s) => s.holdings && s.value !== null).sort((a, b) => a.time - b.time);
  const flows: BalanceFlow[] = [];
  const brokerId = taken[0]?.brokerId;
  const own = fills.filter((f) => f.brokerId === brokerId).sort((a, b) => a.time - b.time);
  // The fills are walked once alongside the snapshots: a year of hourly snapshots and 100,000 fills stay linear.
  let next = 0;
  while (next < own.length && own[next].time <= (taken[0]?.time ?? 0)) next++;
  for (let i = 1; i < taken.length; i++) {
    const before = taken[i - 1];
    const after = taken[i];
    const between: StatsFill[] = [];
    while (next < own.length && own[next].time <= after.time) {
      if (own[next].time > before.time) between.push(own[next]);
      next++;
    }
    const changes = fillChanges(between);
    if (!changes) continue;
    const assets = new Set([...Object.keys(before.holdings!), ...Object.keys(after.holdings!), ...changes.keys()]);
    let value = Dec(0);
    const moved: Record<string, string> = {};
    for (const asset of assets) {
      const held = (s: Snapshot) => Dec(s.holdings![asset]?.total ?? 0);
      const unexplained = held(after)
        .minus(held(before))
        .minus(changes.get(asset) ?? 0);
      if (unexplained.isZero()) continue;
      const price = after.holdings![asset]?.priceUsd ?? before.holdings![asset]?.priceUsd ?? null;
      moved[asset] = unexplained.toFixed();
      if (price !== null) value = value.plus(unexplained.times(price));
    }
    const threshold = Dec.max(1, Dec(after.value!).times(0.001));
    if (value.abs().lt(threshold)) continue;
    flows.push({
      time: new Date(after.time).toISOString(),
      brokerId: after.brokerId,
      valueUsd: out(value),
      assets: moved,
    });
  }
  return flows;
}

/**
 * Hours of the period without a value for a broker: its snapshot marked missing (the exchange was not reached), or,
 * up to `now`, no snapshot at all (no worker ran). Counted from the broker's first snapshot, since before it there was
 * nothing to take.
 */
export function missingHours(
  snapshots: Snapshot[],
  from: number,
  to: number,
  now = Date.now(),
): BalanceHistory['missing'] {
  const missing: BalanceHistory['missing'] = [];
  const byBroker = new Map<number, Snapshot[]>();
  for (const s of snapshots) {
    const list = byBroker.get(s.brokerId);
    if (list) list.push(s);
    else byBroker.set(s.brokerId, [s]);
  }
  for (const [brokerId, list] of byBroker) {
    const hours = new Map(list.filter((s) => s.key.startsWith('hour:')).map((s) => [Math.floor(s.time / HOUR), s]));
    const first = Math.max(Math.floor(from / HOUR), Math.floor(list[0].time / HOUR));
    const last = Math.max(Math.ceil(Math.min(to, now) / HOUR), ...[...hours.keys()].map((h) => h + 1));
    for (let hour = first; hour < last; hour++) {
      const snapshot = hours.get(hour);
      if (snapshot?.value !== null && (snapshot || hour * HOUR + HOUR > now)) continue;
      missing.push({
        time: new Date(hour * HOUR).toISOString(),
        brokerId,
        reason: snapshot?.reason ?? 'aucun relevé (aucun worker actif à cette heure)',
      });
    }
  }
  return missing.sort((a, b) => a.time.localeCompare(b.time) || a.brokerId - b.brokerId);
}

/**
 * The balance curve. One broker: each of its snapshots (hourly and after fills). All of them: the hours every one of
 * them was valued, summed — an hour where one is missing is left out of the curve and listed, never counted short.
 */
export function balanceHistory(
  snapshots: Snapshot[],
  fills: StatsFill[],
  options: { single: boolean; from: number; to: number; now?: number },
): BalanceHistory {
  const flows = [...new Set(snapshots.map((s) => s.brokerId))]
    .flatMap((id) =>
      detectFlows(
        snapshots.filter((s) => s.brokerId === id),
        fills,
      ),
    )
    .sort((a, b) => a.time.localeCompare(b.time));
  const missing = missingHours(snapshots, options.from, options.to, options.now);
  let points: { time: number; at: number; value: Dec }[];
  if (options.single) {
    points = snapshots.filter((s) => s.value !== null).map((s) => ({ time: s.time, at: s.time, value: Dec(s.value!) }));
  } else {
    const brokers = new Set(snapshots.map((s) => s.brokerId));
    const hours = new Map<number, Snapshot[]>();
    for (const s of snapshots) {
      if (!s.key.startsWith('hour:') || s.value === null) continue;
      const hour = Math.floor(s.time / HOUR) * HOUR;
      const list = hours.get(hour);
      if (list) list.push(s);
      else hours.set(hour, [s]);
    }
    points = [...hours]
      .filter(([, list]) => new Set(list.map((s) => s.brokerId)).size === brokers.size)
      .sort((a, b) => a[0] - b[0])
      .map(([hour, list]) => ({
        time: hour,
        at: Math.max(...list.map((s) => s.time)),
        value: list.reduce((sum, s) => sum.plus(s.value!), Dec(0)),
      }));
  }
  let flowed = Dec(0);
  let nextFlow = 0;
  return {
    points: points.map((p) => {
      // Points and flows are both in time order: the flows so far are summed once each.
      while (nextFlow < flows.length && Date.parse(flows[nextFlow].time) <= p.at) {
        flowed = flowed.plus(flows[nextFlow].valueUsd);
        nextFlow++;
      }
      return { time: new Date(p.time).toISOString(), value: out(p.value), performance: out(p.value.minus(flowed)) };
    }),
    missing,
    flows,
  };
}

/**
 * The part of a whole history (computed from the first snapshot on) that falls in [from, to): its points, with a
 * performance that leaves out only the transfers made since `from`, its missing hours and its transfers.
 */
export function historyBetween(whole: BalanceHistory, from: number, to: number): BalanceHistory {
  const inPeriod = (time: string) => {
    const t = Date.parse(time);
    return t >= from && t < to;
  };
  const before = whole.flows
    .filter((f) => Date.parse(f.time) < from)
    .reduce((sum, f) => sum + toFixed18(f.valueUsd), 0n);
  return {
    points: whole.points
      .filter((p) => inPeriod(p.time))
      .map((p) => (before === 0n ? p : { ...p, performance: fromFixed18(toFixed18(p.performance) + before) })),
    missing: whole.missing.filter((m) => inPeriod(m.time)),
    flows: whole.flows.filter((f) => inPeriod(f.time)),
  };
}

/**
 * At most `max` points for a chart: the period cut in `max` equal spans, the last point of each kept (a year of
 * hourly snapshots is 8,760 points, more than a chart's width shows). The first point is kept too: max + 1 at most.
 */
export function thinPoints(points: BalanceHistory['points'], max: number): BalanceHistory['points'] {
  if (points.length <= max) return points;
  const first = Date.parse(points[0].time);
  const span = (Date.parse(points[points.length - 1].time) - first) / max || 1;
  const bucketOf = (i: number) => Math.min(max - 1, Math.floor((Date.parse(points[i].time) - first) / span));
  const kept: BalanceHistory['points'] = [points[0]];
  for (let i = 1; i < points.length; i++) {
    if (i === points.length - 1 || bucketOf(i + 1) !== bucketOf(i)) kept.push(points[i]);
  }
  return kept;
}
