import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { valueHoldings, type PriceSource } from './valuation';

const HOUR = 3_600_000;
/** Brokers valued at once: each asks its own exchange, so a slow one does not hold the others back. */
const PARALLEL = 4;

export interface SnapshotDeps {
  db: Knex;
  prices: PriceSource;
  logger?: Logger;
}

/** The hour's key, and a fill's: a snapshot is taken once per key, whoever takes it. */
export const hourKey = (time: number) => `hour:${new Date(Math.floor(time / HOUR) * HOUR).toISOString().slice(0, 13)}`;
export const tradeKey = (tradeId: number) => `trade:${tradeId}`;

interface Due {
  brokerId: number;
  userId: number;
  keys: string[];
  hourly: boolean;
}

/**
 * Every active broker whose snapshot of this hour, or of its latest fill, is not taken yet. A fill's snapshot is its
 * latest fill only: fills made between two runs share one (the balance after them).
 */
async function dueSnapshots(db: Knex, now: number, brokerIds?: number[]): Promise<Due[]> {
  const hour = hourKey(now);
  const {
    rows,
  }: { rows: { id: string; user_id: string; hour_taken: boolean; last_fill: string | null; fill_taken: boolean }[] } =
    await db.raw(
      `select b.id, b.user_id, f.last_fill,
              exists (select 1 from balance_snapshots s where s.broker_id = b.id and s.key = ?) as hour_taken,
              f.last_fill is null or exists (select 1 from balance_snapshots s
                                              where s.broker_id = b.id and s.key = 'trade:' || f.last_fill) as fill_taken
         from brokers b
         left join lateral (select max(t.id) as last_fill from trades t
                             where t.broker_id = b.id and t.filled_quantity > 0) f on true
        where b.is_active and (?::bigint[] is null or b.id = any(?::bigint[]))`,
      [hour, brokerIds ?? null, brokerIds ?? null],
    );
  return rows
    .map((row) => ({
      brokerId: Number(row.id),
      userId: Number(row.user_id),
      hourly: !row.hour_taken,
      keys: [...(row.hour_taken ? [] : [hour]), ...(row.fill_taken ? [] : [tradeKey(Number(row.last_fill))])],
    }))
    .filter((due) => due.keys.length);
}

/**
 * One broker valued and its snapshots stored. When the exchange cannot be reached, the hour is stored as missing
 * (with the reason), never as zero; a fill's snapshot is left to the next run.
 */
async function snapshotOne(deps: SnapshotDeps, due: Due, now: number): Promise<'taken' | 'missing'> {
  const time = new Date(now);
  try {
    const valued = await valueHoldings(deps.prices, due.brokerId);
    const holdings = Object.fromEntries(
      valued.assets
        .filter((a) => Number(a.total) !== 0)
        .map((a) => [a.asset, { total: a.total, priceUsd: a.priceUsd }]),
    );
    await deps
      .db('balance_snapshots')
      .insert(
        due.keys.map((key) => ({
          user_id: due.userId,
          broker_id: due.brokerId,
          key,
          time,
          value_usdt: valued.totalUsd,
          holdings: JSON.stringify(holdings),
        })),
      )
      .onConflict(['broker_id', 'key'])
      .ignore();
    return 'taken';
  } catch (error) {
    deps.logger?.warn({ brokerId: due.brokerId, err: error }, 'balance snapshot: the broker could not be valued');
    if (!due.hourly) return 'missing';
    const reason = error instanceof Error ? error.message.slice(0, 500) : String(error);
    await deps
      .db('balance_snapshots')
      .insert({ user_id: due.userId, broker_id: due.brokerId, key: hourKey(now), time, missing_reason: reason })
      .onConflict(['broker_id', 'key'])
      .ignore();
    return 'missing';
  }
}

/**
 * Takes every snapshot due now (run every minute by the stats actor), of every active broker or of `brokerIds`; says
 * how many brokers were valued or missed.
 */
export async function takeDueSnapshots(
  deps: SnapshotDeps,
  now = Date.now(),
  brokerIds?: number[],
): Promise<{ taken: number; missing: number }> {
  const due = await dueSnapshots(deps.db, now, brokerIds);
  const counts = { taken: 0, missing: 0 };
  for (let i = 0; i < due.length; i += PARALLEL) {
    const results = await Promise.all(due.slice(i, i + PARALLEL).map((d) => snapshotOne(deps, d, now)));
    for (const result of results) counts[result] += 1;
  }
  return counts;
}
