import type { Knex } from 'knex';
import { INSTANT_RANGE } from '../validation';
import { balanceHistory, loadSnapshots, type BalanceHistory } from './balance-history';
import { userFills, type TradeSource } from './fills';
import { matchRoundTrips, type MatchResult, type StatsFill } from './round-trips';

const HOUR = 3_600_000;
/** A whole history ends before the last instant the API accepts. */
const END_OF_TIME = INSTANT_RANGE.max;

/**
 * The statistics' matching and balance history, kept per user and filter while nothing they are made of changed, so
 * that the page's five calls (and its reloads) match a year of fills once instead of five times. What "changed" means
 * is the newest change stamp of the user's trades and their newest snapshot, one index lookup each, asked on every
 * call (the calls of one page load, arriving together, share one). An entry is rebuilt from the rows, never patched,
 * so a cached answer is the answer the rows give.
 */
export class StatsCache {
  private readonly entries = new Map<string, { fingerprint: string; value: Promise<unknown>; size: number }>();
  private readonly fingerprints = new Map<string, Promise<string>>();

  constructor(
    private readonly db: Knex,
    /** `rows`: fills and snapshots held in all, beyond which the least recently used entries go (memory, not count). */
    private readonly options: { entries?: number; rows?: number } = {},
  ) {}

  /** Every fill of the user (of one broker, one origin kind), matched into round trips. */
  matching(userId: number, filters: { brokerId?: number; source?: TradeSource }) {
    const key = `m|${userId}|${filters.brokerId ?? ''}|${filters.source ?? ''}`;
    return this.cached(
      key,
      () => this.tradesFingerprint(userId),
      async () => {
        const fills = await userFills(this.db, userId, filters);
        return { value: { fills, matched: matchRoundTrips(fills) }, size: fills.length };
      },
    ) as Promise<{ fills: StatsFill[]; matched: MatchResult }>;
  }

  /** The whole balance history of the user's brokers (or one), to be cut to a period with historyBetween. */
  balance(userId: number, brokerId?: number): Promise<BalanceHistory> {
    const key = `b|${userId}|${brokerId ?? ''}`;
    return this.cached(
      key,
      async () => (await Promise.all([this.snapshotsFingerprint(userId), this.tradesFingerprint(userId)])).join('|'),
      async () => {
        const [snapshots, { fills }] = await Promise.all([
          loadSnapshots(this.db, userId, { brokerId, from: 0, to: END_OF_TIME }),
          this.matching(userId, { brokerId }),
        ]);
        const history = balanceHistory(snapshots, fills, { single: brokerId !== undefined, from: 0, to: END_OF_TIME });
        return { value: history, size: snapshots.length };
      },
    ) as Promise<BalanceHistory>;
  }

  private async cached(
    key: string,
    fingerprintOf: () => Promise<string>,
    build: () => Promise<{ value: unknown; size: number }>,
  ) {
    const fingerprint = await this.memoFingerprint(key, fingerprintOf);
    const hit = this.entries.get(key);
    if (hit && hit.fingerprint === fingerprint) {
      // Most recently used last, so that the first is the one to evict.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value;
    }
    const built = build();
    const entry = { fingerprint, value: built.then((b) => b.value), size: 0 };
    this.entries.set(key, entry);
    built.then(
      (b) => {
        entry.size = b.size;
        this.evict();
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    this.evict();
    return entry.value;
  }

  private evict(): void {
    const maxEntries = this.options.entries ?? 50;
    const maxRows = this.options.rows ?? 300_000;
    let rows = 0;
    for (const entry of this.entries.values()) rows += entry.size;
    // The newest entry stays, however large: it is the one being answered.
    while (this.entries.size > 1 && (this.entries.size > maxEntries || rows > maxRows)) {
      const [oldest, entry] = this.entries.entries().next().value!;
      rows -= entry.size;
      this.entries.delete(oldest);
    }
  }

  /** A fingerprint being asked is shared by the calls that come meanwhile (a page's calls arrive together). */
  private memoFingerprint(key: string, compute: () => Promise<string>): Promise<string> {
    const pending = this.fingerprints.get(key);
    if (pending) return pending;
    const value = compute().finally(() => this.fingerprints.delete(key));
    this.fingerprints.set(key, value);
    return value;
  }

  /** The newest stamp of the user's trades (migration 013): any insert or update of one changes it. */
  private async tradesFingerprint(userId: number) {
    const row = await this.db('trades').where('user_id', userId).max('change_seq as seq').first();
    return String(row?.seq ?? 0);
  }

  /** The newest snapshot, and the hour: an hour nobody valued becomes missing once it has passed. */
  private async snapshotsFingerprint(userId: number) {
    const row = await this.db('balance_snapshots').where('user_id', userId).max('id as id').first();
    return `${row?.id ?? 0}|${Math.floor(Date.now() / HOUR)}`;
  }
}

const caches = new WeakMap<Knex, StatsCache>();

/** One cache per database handle (per process): every route that reads the statistics shares it. */
export function statsCacheFor(db: Knex): StatsCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = new StatsCache(db);
    caches.set(db, cache);
  }
  return cache;
}
