import type { Knex } from 'knex';
import { unifiedSymbol } from '../../core/feeds/binance-symbols';

/** Binance's combined stream takes 1024 streams; far fewer keep one connection's messages timely. */
export const MAX_FOLLOWED = 200;

/**
 * The spot pairs the heartbeat reads: the configured ones, then those of the activations trading on Binance's prices
 * (a Binance broker, or a paper one whose price source is Binance) that are active or still hold an open position
 * (its stop-loss is checked against the 1m candles). Without their candles, a live strategy would have nothing to
 * evaluate.
 */
export async function followedSymbols(db: Knex, configured: string[], paperPriceSource: string): Promise<string[]> {
  const rows: { symbol: string }[] = await db('active_strategies as a')
    .join('brokers as b', 'b.id', 'a.broker_id')
    .distinct('a.symbol')
    .where('a.market', 'spot')
    .where((q) =>
      q
        .where('a.state', 'active')
        .orWhereExists((open) =>
          open
            .select(db.raw('1'))
            .from('positions as p')
            .whereRaw('p.active_strategy_id = a.id')
            .where('p.status', 'open'),
        ),
    )
    .where((q) => {
      q.where('b.exchange', 'binance');
      if (paperPriceSource === 'binance') q.orWhere('b.exchange', 'paper');
    })
    .orderBy('a.symbol');
  // A webhook source's position with a stop-loss or take-profit is checked against the same candles.
  const protectedRows: { symbol: string }[] = await db('positions as p')
    .join('brokers as b', 'b.id', 'p.broker_id')
    .distinct('p.symbol')
    .whereNotNull('p.webhook_source_id')
    .where('p.status', 'open')
    .where((q) => q.whereNotNull('p.stop_loss').orWhereNotNull('p.take_profit'))
    .where((q) => {
      q.where('b.exchange', 'binance');
      if (paperPriceSource === 'binance') q.orWhere('b.exchange', 'paper');
    })
    .orderBy('p.symbol');
  const symbols = [...new Set([...rows, ...protectedRows].map((r) => r.symbol))];
  const extra = symbols.filter((s) => unifiedSymbol(s) === s && !configured.includes(s));
  return [...configured, ...extra].slice(0, Math.max(MAX_FOLLOWED, configured.length));
}
