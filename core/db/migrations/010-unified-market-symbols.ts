import type { Knex } from 'knex';
import { unifiedSymbol } from '../../feeds/binance-symbols';

/**
 * One name per market: the heartbeat stored Binance's candles under Binance's id (`BTCUSDT`) while the downloads,
 * backtests and live strategies used the unified symbol (`BTC/USDT`), so none of them saw the heartbeat's candles.
 * Its rows are renamed; where both names hold the same candle, the unified one (downloaded from the same exchange)
 * is kept. A name that cannot be read (no known quote asset) is left as it was.
 */
export async function up(knex: Knex): Promise<void> {
  const renames = new Map<string, string>();
  const names = async (query: Knex.QueryBuilder) => {
    for (const { symbol } of (await query) as { symbol: string }[]) {
      const unified = unifiedSymbol(symbol);
      if (unified && unified !== symbol) renames.set(symbol, unified);
    }
  };
  await names(knex('candles').distinct('symbol').where({ source: 'binance' }).whereNot('symbol', 'like', '%/%'));
  await names(knex('candles_heartbeat').distinct('symbol').whereNot('symbol', 'like', '%/%'));
  for (const [from, to] of renames) {
    await knex.raw(
      `DELETE FROM candles c USING candles u
        WHERE c.source = 'binance' AND c.symbol = ? AND u.source = 'binance' AND u.symbol = ?
          AND u.timeframe = c.timeframe AND u.open_time = c.open_time`,
      [from, to],
    );
    await knex('candles').where({ source: 'binance', symbol: from }).update({ symbol: to });
    await knex.raw(
      `DELETE FROM candles_heartbeat c USING candles_heartbeat u
        WHERE c.symbol = ? AND u.symbol = ? AND u.signal_type = c.signal_type AND u.candle_time = c.candle_time`,
      [from, to],
    );
    await knex('candles_heartbeat').where({ symbol: from }).update({ symbol: to });
    await knex.raw(
      `UPDATE alerts SET details = jsonb_set(details, '{symbol}', to_jsonb(?::text))
        WHERE kind LIKE 'heartbeat%' AND details->>'symbol' = ?`,
      [to, from],
    );
  }
  const statuses: { id: number; symbols_monitored: string[] }[] = await knex('heartbeat_status').select(
    'id',
    'symbols_monitored',
  );
  for (const row of statuses) {
    const symbols = row.symbols_monitored.map((s) => unifiedSymbol(s) ?? s);
    if (symbols.some((s, i) => s !== row.symbols_monitored[i])) {
      await knex('heartbeat_status')
        .where({ id: row.id })
        .update({ symbols_monitored: JSON.stringify(symbols) });
    }
  }
}

/** Renaming back would merge markets the unified names keep apart (`BTC/USDT` and a futures `BTC/USDT:USDT`). */
export async function down(): Promise<void> {}
