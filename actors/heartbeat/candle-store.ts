import type { Knex } from 'knex';
import type { ClosedCandle } from '../../core/candles/aggregator';
import { TIMEFRAME_MS } from '../../core/candles/timeframes';
import type { Timeframe } from '../../queues/names';

export const SOURCE = 'binance';

/** A close signal that was new to the database. */
/** A row of `candles` as read back: prices and volume as PostgreSQL's numeric text. */
export interface StoredCandleRow {
  open_time: Date;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  backfilled: boolean;
}

export interface NewSignal {
  symbol: string;
  timeframe: Timeframe;
  openTime: number;
  closeTime: number;
  receivedAt: Date;
  backfilled: boolean;
}

/**
 * Stores closed candles and their signals in one transaction. Both inserts skip rows that exist already (another
 * heartbeat, or a repair, wrote them first), and only the signals actually inserted are returned: they are the ones
 * to publish and tick, which is what makes a doubled close harmless. Partial candles are never stored.
 */
export async function recordCloses(
  db: Knex,
  candles: readonly ClosedCandle[],
  options: { statusId: number | null; receivedAt: Date },
): Promise<NewSignal[]> {
  const complete = candles.filter((c) => !c.partial);
  if (complete.length === 0) return [];
  return db.transaction(async (trx) => {
    await trx('candles')
      .insert(
        complete.map((c) => ({
          source: SOURCE,
          symbol: c.symbol,
          timeframe: c.timeframe,
          open_time: new Date(c.openTime),
          close_time: new Date(c.closeTime),
          open: c.open,
          high: c.high,
          low: c.low,
          close: c.close,
          volume: c.volume,
          backfilled: c.backfilled,
        })),
      )
      .onConflict(['source', 'symbol', 'timeframe', 'open_time'])
      .ignore();
    const inserted: { symbol: string; signal_type: Timeframe; candle_time: Date; backfilled: boolean }[] = await trx(
      'candles_heartbeat',
    )
      .insert(
        complete.map((c) => ({
          heartbeat_status_id: options.statusId,
          symbol: c.symbol,
          signal_type: c.timeframe,
          received_at: options.receivedAt,
          candle_time: new Date(c.openTime),
          backfilled: c.backfilled,
        })),
      )
      .onConflict(['symbol', 'signal_type', 'candle_time'])
      .ignore()
      .returning(['symbol', 'signal_type', 'candle_time', 'backfilled']);
    return inserted.map((row) => {
      const openTime = row.candle_time.getTime();
      return {
        symbol: row.symbol,
        timeframe: row.signal_type,
        openTime,
        closeTime: openTime + TIMEFRAME_MS[row.signal_type] - 1,
        receivedAt: options.receivedAt,
        backfilled: row.backfilled,
      };
    });
  });
}

/** The open time of the first stored 1m candle of `symbol`, if any: where coherence starts to count. */
export async function firstStoredMinute(db: Knex, symbol: string): Promise<number | undefined> {
  const row = await db('candles')
    .where({ source: SOURCE, symbol, timeframe: '1m' })
    .min<{ min: Date | null }>('open_time as min')
    .first();
  return row?.min ? row.min.getTime() : undefined;
}

/**
 * Candles that should exist but do not: every timeframe's UTC-aligned candles that start at or after `from` and end
 * at or before `to`. Returns how many are missing and the earliest missing open time.
 */
export async function findHoles(
  db: Knex,
  symbol: string,
  from: number,
  to: number,
): Promise<{ missing: number; earliest: number | undefined }> {
  const lengths = Object.entries(TIMEFRAME_MS)
    .map(([tf, ms]) => `('${tf}', ${ms}::bigint)`)
    .join(', ');
  const { rows } = await db.raw<{ rows: { missing: number; earliest: string | null }[] }>(
    `select count(*)::int as missing, min(s) as earliest
       from (values ${lengths}) as t(tf, ms)
       cross join lateral generate_series((ceil(?::numeric / t.ms) * t.ms)::bigint, ?::bigint - t.ms + 1, t.ms) as s
      where not exists (
        select 1 from candles c
         where c.source = ? and c.symbol = ? and c.timeframe = t.tf and c.open_time = to_timestamp(s / 1000.0))`,
    [from, to, SOURCE, symbol],
  );
  const row = rows[0];
  return { missing: row?.missing ?? 0, earliest: row?.earliest == null ? undefined : Number(row.earliest) };
}
