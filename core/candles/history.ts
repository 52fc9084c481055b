import type { Knex } from 'knex';
import type { CandleColumns } from '../sandbox/strategy-runner';
import { BACKTEST_TIMEFRAMES, type BacktestTimeframe } from './backtest-timeframes';

export { BACKTEST_TIMEFRAME_NAMES, BACKTEST_TIMEFRAMES, type BacktestTimeframe } from './backtest-timeframes';

export interface CandleKey {
  source: string;
  symbol: string;
  timeframe: BacktestTimeframe;
}

/** One candle as stored: open time in epoch ms, prices as decimal strings or numbers. */
export type CandleRow = [
  time: number,
  open: string | number,
  high: string | number,
  low: string | number,
  close: string | number,
  volume: string | number,
];

/**
 * Loads the candles of [from, to) as float64 columns. The numeric columns are cast to float8 and read as arrays
 * (no row objects): a year of 1m candles is 525,600 rows.
 */
export async function loadColumns(db: Knex, key: CandleKey, from: number, to: number): Promise<CandleColumns> {
  const connection = (await db.client.acquireConnection()) as PgConnection;
  try {
    const result = await connection.query({
      text: `SELECT (extract(epoch FROM open_time) * 1000)::float8, open::float8, high::float8, low::float8,
                    close::float8, volume::float8
               FROM candles
              WHERE source = $1 AND symbol = $2 AND timeframe = $3 AND open_time >= $4 AND open_time < $5
              ORDER BY open_time`,
      values: [key.source, key.symbol, key.timeframe, new Date(from), new Date(to)],
      // Arrays rather than one object per row, every column parsed straight to a number.
      rowMode: 'array',
      types: { getTypeParser: () => parseFloat },
    });
    return columnsOf(result.rows);
  } finally {
    await db.client.releaseConnection(connection);
  }
}

/**
 * The candles of [from, to) as stored, prices and volumes as PostgreSQL's exact decimal text: what candles are built
 * from (build-candles.ts), where float columns would round.
 */
export async function loadRows(db: Knex, key: CandleKey, from: number, to: number): Promise<CandleRow[]> {
  const rows: { t: number; open: string; high: string; low: string; close: string; volume: string }[] = await db(
    'candles',
  )
    .select(db.raw('(extract(epoch FROM open_time) * 1000)::float8 AS t'), 'open', 'high', 'low', 'close', 'volume')
    .where({ source: key.source, symbol: key.symbol, timeframe: key.timeframe })
    .where('open_time', '>=', new Date(from))
    .where('open_time', '<', new Date(to))
    .orderBy('open_time');
  return rows.map((r) => [Number(r.t), r.open, r.high, r.low, r.close, r.volume]);
}

interface PgConnection {
  query(config: {
    text: string;
    values: unknown[];
    rowMode: 'array';
    types: { getTypeParser: () => (text: string) => number };
  }): Promise<{ rows: number[][] }>;
}

function columnsOf(rows: number[][]): CandleColumns {
  const n = rows.length;
  const columns: CandleColumns = {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    columns.time[i] = r[0];
    columns.open[i] = r[1];
    columns.high[i] = r[2];
    columns.low[i] = r[3];
    columns.close[i] = r[4];
    columns.volume[i] = r[5];
  }
  return columns;
}

/**
 * The stretches of [from, to) with no stored candle, as [start, end) in epoch ms, aligned on the timeframe.
 * Exchanges have outages, so a hole may stay a hole after a download: callers download each gap once per run.
 */
export async function missingRanges(db: Knex, key: CandleKey, from: number, to: number): Promise<[number, number][]> {
  const step = BACKTEST_TIMEFRAMES[key.timeframe];
  const start = Math.ceil(from / step) * step;
  const rows: { t: number }[] = await db('candles')
    .select(db.raw('(extract(epoch FROM open_time) * 1000)::float8 AS t'))
    .where({ source: key.source, symbol: key.symbol, timeframe: key.timeframe })
    .where('open_time', '>=', new Date(start))
    .where('open_time', '<', new Date(to))
    .orderBy('open_time');
  const gaps: [number, number][] = [];
  let expected = start;
  for (const { t } of rows) {
    if (t > expected) gaps.push([expected, t]);
    expected = Math.max(expected, t + step);
  }
  if (expected < to) gaps.push([expected, Math.ceil(to / step) * step]);
  return gaps;
}

const INSERT_CHUNK = 2000;

/**
 * Stores candles under `key.source` (an exchange id, or an import's internal key from candle-sources); a candle
 * already there is kept as is. Returns how many were new.
 */
export async function storeCandles(db: Knex, key: CandleKey, rows: CandleRow[]): Promise<number> {
  const step = BACKTEST_TIMEFRAMES[key.timeframe];
  let stored = 0;
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const chunk = rows.slice(i, i + INSERT_CHUNK).map(([time, open, high, low, close, volume]) => ({
      source: key.source,
      symbol: key.symbol,
      timeframe: key.timeframe,
      open_time: new Date(time),
      close_time: new Date(time + step),
      open: String(open),
      high: String(high),
      low: String(low),
      close: String(close),
      volume: String(volume),
    }));
    const inserted = await db('candles')
      .insert(chunk)
      .onConflict(['source', 'symbol', 'timeframe', 'open_time'])
      .ignore()
      .returning('id');
    stored += inserted.length;
  }
  return stored;
}
