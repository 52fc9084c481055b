import type { Knex } from 'knex';
import type { StatsFill } from './round-trips';

export type TradeSource = 'manual' | 'strategy' | 'webhook';

/**
 * A user's fills, oldest first: everything the exchange filled, whatever became of the order since (a limit order
 * cancelled after a partial fill counts for what it filled). Every fill before a period is read too, since a round
 * trip closed in it may have opened before it. Each fill's origin keeps lots apart: an
 * activation, a webhook source, or manual.
 */
export async function userFills(
  db: Knex,
  userId: number,
  filters: { brokerId?: number; source?: TradeSource },
): Promise<StatsFill[]> {
  const rows: {
    id: string;
    time: Date;
    broker_id: string;
    symbol: string;
    source: TradeSource;
    active_strategy_id: string | null;
    webhook_source_id: string | null;
    side: 'buy' | 'sell';
    filled_quantity: string;
    average_price: string;
    fee: string | null;
    fee_currency: string | null;
  }[] = await db('trades as t')
    .leftJoin('webhooks as w', 'w.id', 't.webhook_id')
    .where('t.user_id', userId)
    .whereNotNull('t.broker_id')
    .where('t.filled_quantity', '>', 0)
    .whereNotNull('t.average_price')
    .modify((q) => {
      if (filters.brokerId !== undefined) q.where('t.broker_id', filters.brokerId);
      if (filters.source) q.where('t.source', filters.source);
    })
    .orderByRaw('coalesce(t.executed_at, t.created_at), t.id')
    .select(
      't.id',
      db.raw('coalesce(t.executed_at, t.created_at) as time'),
      't.broker_id',
      't.symbol',
      't.source',
      't.active_strategy_id',
      'w.source_id as webhook_source_id',
      't.side',
      't.filled_quantity',
      't.average_price',
      't.fee',
      't.fee_currency',
    );
  return rows.map((row) => ({
    id: Number(row.id),
    time: new Date(row.time).getTime(),
    brokerId: Number(row.broker_id),
    symbol: row.symbol,
    origin:
      row.source === 'strategy'
        ? `strategy:${row.active_strategy_id ?? 'none'}`
        : row.source === 'webhook'
          ? `webhook:${row.webhook_source_id ?? 'deleted'}`
          : 'manual',
    side: row.side,
    quantity: row.filled_quantity,
    price: row.average_price,
    fee: row.fee,
    feeCurrency: row.fee_currency,
  }));
}
