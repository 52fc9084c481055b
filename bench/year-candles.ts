// A year of 1m candles (525,600: the real BTC/USDT 1m fixture repeated on consecutive minutes), stored once in the
// bench database under its own source, for the backtest and sweep benches.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { FIXTURES } from '../test/helpers/fixtures';

export const YEAR_CANDLES = 525_600;
export const YEAR_START = Date.UTC(2023, 0, 1);
export const YEAR_END = YEAR_START + YEAR_CANDLES * 60_000;
export const YEAR_KEY = { source: 'bench-1y', symbol: 'BTC/USDT', timeframe: '1m' as const };

export async function ensureYearOfCandles(db: Knex): Promise<void> {
  const [{ count }] = await db('candles').where(YEAR_KEY).count<{ count: string }[]>('* as count');
  if (Number(count) === YEAR_CANDLES) return;
  await db('candles').where(YEAR_KEY).delete();
  const fixture = JSON.parse(
    readFileSync(path.join(FIXTURES, 'ohlcv/binance_spot_BTC_USDT-1m.json'), 'utf8'),
  ) as number[][];
  for (let from = 0; from < YEAR_CANDLES; from += 50_000) {
    const rows = Array.from(
      { length: Math.min(50_000, YEAR_CANDLES - from) },
      (_, k) => fixture[(from + k) % fixture.length],
    );
    const times = rows.map((_, k) => new Date(YEAR_START + (from + k) * 60_000).toISOString());
    const column = (i: number) => rows.map((r) => String(r[i]));
    await db.raw(
      `INSERT INTO candles (source, symbol, timeframe, open_time, close_time, open, high, low, close, volume)
       SELECT ?, ?, ?, t, t + interval '1 minute', o, h, l, c, v
         FROM unnest(?::timestamptz[], ?::numeric[], ?::numeric[], ?::numeric[], ?::numeric[], ?::numeric[])
              AS x(t, o, h, l, c, v)`,
      [
        YEAR_KEY.source,
        YEAR_KEY.symbol,
        YEAR_KEY.timeframe,
        times,
        column(1),
        column(2),
        column(3),
        column(4),
        column(5),
      ],
    );
  }
}
