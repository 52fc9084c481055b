import type { WebhookSignal } from '../../core/webhooks/parse';
import { clientOrderId } from '../../core/trading/client-order-id';
import { orderKeys } from '../../queues/jobs';
import { liveMarket } from '../strategy/live-context';
import { positionFromFill } from '../strategy/live-orders';
import type { WebhookDeps } from './process-webhook';

/** How far back an entry filled late is looked for: a limit order resting longer is the user's to follow. */
const LOOKBACK_MS = 7 * 24 * 3600_000;

interface FilledEntry {
  trade_id: number;
  client_order_id: string;
  side: 'buy' | 'sell';
  symbol: string;
  average_price: string;
  filled_quantity: string;
  fee: string | null;
  fee_currency: string | null;
  updated_at: Date;
  webhook_id: number;
  parsed: WebhookSignal | null;
  source_id: number;
  user_id: number;
  broker_id: number;
  market: 'spot' | 'futures';
}

/**
 * Entries the exchange filled after their webhook was done with them: a limit order still resting when it was
 * processed, or a market order whose fill was recorded only after the webhook gave up (`failed`). Without this the
 * source would hold the asset without knowing it: no stop-loss, and its next `close` refused. The position is opened
 * from the fill with the levels its signal gave, under the source's lock (the one its webhooks take), once: a trade
 * a position names is not an orphan.
 */
export async function adoptFilledEntries(deps: WebhookDeps, now: number): Promise<number> {
  const candidates: FilledEntry[] = await deps
    .db('trades as t')
    .join('webhooks as w', 'w.id', 't.webhook_id')
    .join('webhook_sources as s', 's.id', 'w.source_id')
    .whereIn('w.status', ['processed', 'failed'])
    .where('t.status', 'closed')
    .where('t.filled_quantity', '>', 0)
    .whereNotNull('t.average_price')
    .where('t.created_at', '>', new Date(now - LOOKBACK_MS))
    .whereNotExists((q) =>
      q.select(deps.db.raw('1')).from('positions as p').whereRaw('p.entry_trade_id = t.id OR p.exit_trade_id = t.id'),
    )
    .orderBy('t.id')
    .limit(100)
    .select(
      't.id as trade_id',
      't.client_order_id',
      't.side',
      't.symbol',
      't.average_price',
      't.filled_quantity',
      't.fee',
      't.fee_currency',
      't.updated_at',
      'w.id as webhook_id',
      'w.parsed',
      's.id as source_id',
      's.user_id',
      's.broker_id',
      's.market',
    );
  let adopted = 0;
  for (const entry of candidates) {
    // Only the entry leg: a close leg no position names is a close whose record failed, not a position to open.
    if (entry.client_order_id !== clientOrderId(orderKeys.webhook(Number(entry.webhook_id), 'entry'))) continue;
    if (entry.side === 'sell' && entry.market === 'spot') continue;
    try {
      if (await adoptOne(deps, entry)) adopted++;
    } catch (error) {
      deps.logger.warn({ err: error, tradeId: entry.trade_id }, 'webhook entry not adopted');
    }
  }
  return adopted;
}

async function adoptOne(deps: WebhookDeps, entry: FilledEntry): Promise<boolean> {
  const market = await liveMarket(deps.db, { broker_id: entry.broker_id, symbol: entry.symbol, timeframe: '1m' }, deps);
  return deps.db.transaction(async (trx) => {
    await trx('webhook_sources').where({ id: entry.source_id }).forNoKeyUpdate().first();
    const named = await trx('positions')
      .where({ entry_trade_id: entry.trade_id })
      .orWhere({ exit_trade_id: entry.trade_id })
      .first('id');
    const open = await trx('positions')
      .where({ webhook_source_id: entry.source_id, symbol: entry.symbol, status: 'open' })
      .first('id');
    // The source holds a position on the pair already (opened since): one at a time, the later signal stands.
    if (named || open) return false;
    await positionFromFill(
      trx,
      {
        user_id: Number(entry.user_id),
        broker_id: Number(entry.broker_id),
        symbol: entry.symbol,
        webhook_source_id: Number(entry.source_id),
      },
      market,
      entry.side === 'buy' ? 'long' : 'short',
      () => ({ stop_loss: entry.parsed?.stopLoss ?? null, take_profit: entry.parsed?.takeProfit ?? null }),
      {
        id: Number(entry.trade_id),
        averagePrice: entry.average_price,
        filledQuantity: entry.filled_quantity,
        fee: entry.fee,
        feeCurrency: entry.fee_currency,
      },
      entry.updated_at.getTime(),
    );
    return true;
  });
}
