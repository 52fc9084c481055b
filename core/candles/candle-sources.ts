import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { findExchange } from '../exchanges/catalog';

/**
 * Candle sources. Candles downloaded from an exchange are stored under its id (`binance`) and shared by every
 * user. An import belongs to the user who made it: `candle_sources` names it for that user, and its candles are
 * stored under an internal key (`import:<uuid>`), so two users may both call theirs « mes-données ». Sources
 * imported before owners were recorded have no owner (`user_id` NULL): every user reads them, nobody adds to them.
 */
const IMPORT_PREFIX = 'import:';

/** An import's name: letters (accents too), digits, `.`, `_`, `-`; never `:`, so never an internal key. */
export const SOURCE_NAME = /^[\p{L}\p{N}][\p{L}\p{N}_.-]{0,63}$/u;

/** What a user may read under `name`: an exchange's candles, their own import, or a legacy one (in that order). */
export async function candleStoreKey(db: Knex, userId: number, name: string): Promise<string | null> {
  if (findExchange(name)) return name;
  const row = await db('candle_sources')
    .where({ name })
    .where((q) => q.where({ user_id: userId }).orWhereNull('user_id'))
    .orderByRaw('user_id IS NULL')
    .first('candle_key');
  return row?.candle_key ?? null;
}

/** The key the user's import `name` writes to, creating the source if it is new (inside the import's transaction). */
export async function importStoreKey(trx: Knex, userId: number, name: string): Promise<string> {
  await trx('candle_sources')
    .insert({ user_id: userId, name, candle_key: `${IMPORT_PREFIX}${randomUUID()}` })
    .onConflict(['user_id', 'name'])
    .ignore();
  const row = await trx('candle_sources').where({ user_id: userId, name }).first('candle_key');
  return row.candle_key;
}

export interface CandleSourceSummary {
  source: string;
  /** `exchange`: shared market data; `import`: the user's own; `legacy`: imported before owners, read-only. */
  kind: 'exchange' | 'import' | 'legacy';
  symbol: string;
  timeframe: string;
  count: number;
  first: string;
  last: string;
}

interface SummaryRow {
  source: string;
  name: string | null;
  owner: string | null;
  symbol: string;
  timeframe: string;
  count: string;
  first: Date;
  last: Date;
}

/** The sources this user can backtest on, with what they hold (for the backtest form). */
export async function listCandleSources(db: Knex, userId: number): Promise<CandleSourceSummary[]> {
  const rows: SummaryRow[] = await db('candles as c')
    .leftJoin('candle_sources as s', 's.candle_key', 'c.source')
    .where((q) =>
      q
        // Candles under an import key whose source is gone (its owner deleted) are nobody's.
        .where((exchange) => exchange.whereNull('s.id').whereNot('c.source', 'like', `${IMPORT_PREFIX}%`))
        .orWhere('s.user_id', userId)
        .orWhere((legacy) => legacy.whereNotNull('s.id').whereNull('s.user_id')),
    )
    .select('c.source', 's.name', 's.user_id as owner', 'c.symbol', 'c.timeframe')
    .count('* as count')
    .min('c.open_time as first')
    .max('c.open_time as last')
    .groupBy('c.source', 's.name', 's.user_id', 'c.symbol', 'c.timeframe');
  const own = new Set(rows.filter((r) => r.owner !== null).map((r) => r.name));
  return rows
    .filter((r) => !(r.name !== null && r.owner === null && own.has(r.name)))
    .map((r) => ({
      source: r.name ?? r.source,
      kind: r.name === null ? ('exchange' as const) : r.owner === null ? ('legacy' as const) : ('import' as const),
      symbol: r.symbol,
      timeframe: r.timeframe,
      count: Number(r.count),
      first: new Date(r.first).toISOString(),
      last: new Date(r.last).toISOString(),
    }))
    .sort(
      (a, b) =>
        a.source.localeCompare(b.source) || a.symbol.localeCompare(b.symbol) || a.timeframe.localeCompare(b.timeframe),
    );
}
