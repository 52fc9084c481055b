import { orderKeys } from '../../queues/jobs';
import { liveMarket, type PositionRow } from '../strategy/live-context';
import { placeMarketLeg, recordClose } from '../strategy/live-orders';
import { levelHit } from '../strategy/position-exits';
import { exchangeRefusal, type WebhookDeps } from './process-webhook';

type WebhookPosition = PositionRow & { user_id: number; broker_id: number; symbol: string; webhook_source_id: number };

/**
 * The stop-loss and take-profit a signal gave its position, checked every minute against the 1m candles closed
 * since the last check, as the strategies' positions are (the same engine: a wick counts, the stop first when one
 * candle touches both). A hit closes the position at market under its source's lock.
 */
export async function protectWebhookPositions(deps: WebhookDeps, now: number): Promise<number> {
  const rows: WebhookPosition[] = await deps
    .db('positions')
    .whereNotNull('webhook_source_id')
    .where('status', 'open')
    .where((q) => q.whereNotNull('stop_loss').orWhereNotNull('take_profit'));
  let hits = 0;
  for (const row of rows) {
    try {
      if (await protectOne(deps, row, now)) hits++;
    } catch (error) {
      deps.logger.warn({ err: error, positionId: row.id }, 'webhook stop-loss check failed');
    }
  }
  return hits;
}

async function protectOne(deps: WebhookDeps, row: WebhookPosition, now: number): Promise<boolean> {
  const market = await liveMarket(deps.db, { broker_id: row.broker_id, symbol: row.symbol, timeframe: '1m' }, deps);
  const hit = await levelHit(deps.db, row, market, now);
  if (!hit) return false;
  return deps.db.transaction(async (trx) => {
    // The source's signals and this close, one at a time: a `close` signal arriving now finds it closed.
    await trx('webhook_sources').where({ id: row.webhook_source_id }).forNoKeyUpdate().first();
    const open: WebhookPosition | undefined = await trx('positions').where({ id: row.id, status: 'open' }).first();
    if (!open) return false;
    const closing = open.side === 'long' ? 'sell' : 'buy';
    const [{ count }] = await trx('trades')
      .where({ user_id: open.user_id, symbol: open.symbol, source: 'webhook', status: 'rejected', side: closing })
      .whereNull('webhook_id')
      .where('created_at', '>=', open.opened_at)
      .count<{ count: string }[]>({ count: '*' });
    try {
      const trade = await placeMarketLeg(
        deps.broker,
        {
          brokerId: Number(open.broker_id),
          symbol: open.symbol,
          origin: { userId: Number(open.user_id), source: 'webhook' },
        },
        orderKeys.webhookPositionClose(Number(open.id), Number(count)),
        closing,
        open.quantity,
      );
      await recordClose(trx, open, [trade], market, hit.reason, now);
      return true;
    } catch (error) {
      const refused = exchangeRefusal(error);
      if (refused === null) throw error;
      deps.logger.warn({ positionId: open.id, reason: refused }, 'webhook position close refused by the exchange');
      return false;
    }
  });
}
