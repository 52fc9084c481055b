import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { ExchangeError } from '../../core/exchanges/errors';
import { marketsExchangeOf } from '../../core/exchanges/markets';
import type { EventPublisher } from '../../core/realtime/publisher';
import type { TradeView } from '../../core/trading/orders';
import type { WebhookSignal } from '../../core/webhooks/parse';
import { sizeOf, type WebhookSourceRow } from '../../core/webhooks/source-view';
import { resolveTicker, type TickerMarket } from '../../core/webhooks/ticker';
import type { BrokerRequests } from '../../queues/broker-client';
import { orderKeys } from '../../queues/jobs';
import { liveMarket, MarketUnknownError, type LiveMarket, type PositionRow } from '../strategy/live-context';
import { LiveOrderError, placeMarketLeg, positionFromFill, recordClose, type LegOwner } from '../strategy/live-orders';
import { entrySize } from './webhook-sizing';

export interface WebhookDeps {
  db: Knex;
  broker: BrokerRequests;
  publisher: EventPublisher;
  logger: Logger;
  paperSource: string;
  paperSlippage: string;
}

type Status = 'processed' | 'failed' | 'rejected';

/** A signal this source cannot act on (no such pair, nothing to close): `rejected`, nothing ordered. */
class Refusal extends Error {}

interface WebhookRow {
  id: number;
  user_id: number;
  source_id: number | null;
  status: string;
  parsed: WebhookSignal | null;
}

const MARKETS_TTL_MS = 60_000;
const marketsCache = new Map<string, { at: number; rows: Promise<TickerMarket[]> }>();

/** An exchange's markets, as the ticker is matched against: read once a minute per process, not per webhook. */
function marketsOf(db: Knex, exchange: string, fresh = false): Promise<TickerMarket[]> {
  const cached = marketsCache.get(exchange);
  if (!fresh && cached && Date.now() - cached.at < MARKETS_TTL_MS) return cached.rows;
  const rows = db('exchange_symbols')
    .where({ exchange, active: true })
    .select('symbol', 'base', 'quote', 'type') as Promise<TickerMarket[]>;
  marketsCache.set(exchange, { at: Date.now(), rows });
  rows.catch(() => marketsCache.delete(exchange));
  return rows;
}

/** What the exchange said, when it refused: the webhook `failed`. Anything else is retried. */
export function exchangeRefusal(error: unknown): string | null {
  if (error instanceof LiveOrderError) return error.message;
  if (error instanceof ExchangeError && error.failure === 'rejected') return error.message;
  return null;
}

/**
 * Turns one stored webhook into orders through the broker actor, under its source's lock (one signal of a source
 * at a time, across every worker). Each leg has its business key, `webhook:<id>:close` then `webhook:<id>:entry`: a
 * job tried again, by this worker or another after a crash, finds the orders already placed instead of placing
 * them again. A webhook already settled is left alone.
 */
export async function processWebhook(deps: WebhookDeps, webhookId: number, lastAttempt: boolean): Promise<string> {
  const outcome = await deps.db.transaction(async (trx) => {
    // NO KEY UPDATE: the broker actor's trade rows reference this row while we wait for its answer.
    const hook: WebhookRow | undefined = await trx('webhooks').where({ id: webhookId }).forNoKeyUpdate().first();
    if (!hook || hook.status !== 'received') return null;
    const source: WebhookSourceRow | undefined = hook.source_id
      ? await trx('webhook_sources').where({ id: hook.source_id }).forNoKeyUpdate().first()
      : undefined;
    let status: Status;
    let reason: string | null = null;
    let tradeId: number | null = null;
    let symbol: string | null = null;
    try {
      if (!source || !hook.parsed) throw new Refusal('source : supprimée avant le traitement du webhook');
      symbol = await symbolOf(deps, trx, source, hook.parsed);
      const trade = await placeLegs(deps, trx, hook, source, hook.parsed, symbol);
      status = 'processed';
      tradeId = trade.id;
      if (trade.status === 'open')
        reason = "ordre limite posé à l'exchange : la position n'est suivie qu'une fois exécuté";
    } catch (error) {
      const refused = error instanceof Refusal || error instanceof MarketUnknownError ? error.message : null;
      const failed = exchangeRefusal(error);
      if (refused !== null) [status, reason] = ['rejected', refused];
      else if (failed !== null) [status, reason] = ['failed', failed];
      else if (lastAttempt)
        [status, reason] = ['failed', `pas de réponse exploitable du broker : ${(error as Error).message}`];
      else throw error;
    }
    await trx('webhooks')
      .where({ id: webhookId })
      .update({
        status,
        reason,
        trade_id: tradeId,
        processed_at: new Date(),
        parsed: JSON.stringify({ ...hook.parsed, symbol }),
      });
    return { status, userId: Number(hook.user_id), sourceId: hook.source_id === null ? null : Number(hook.source_id) };
  });
  if (!outcome) return 'settled';
  await deps.publisher
    .publish(
      'webhook:changed',
      { id: webhookId, sourceId: outcome.sourceId, status: outcome.status },
      { userId: outcome.userId },
    )
    .catch((error: unknown) => deps.logger.warn({ err: error }, 'webhook event not published'));
  return outcome.status;
}

/** The broker's market the signal names, or the source's default pair. */
async function symbolOf(
  deps: WebhookDeps,
  trx: Knex.Transaction,
  source: WebhookSourceRow,
  signal: WebhookSignal,
): Promise<string> {
  const broker: { exchange: string } | undefined = await trx('brokers')
    .where({ id: source.broker_id, user_id: source.user_id })
    .first('exchange');
  if (!broker) throw new Refusal('broker : supprimé');
  const exchange = marketsExchangeOf(broker.exchange, deps.paperSource);
  const ticker = signal.ticker ?? source.symbol!;
  let resolved = resolveTicker(ticker, await marketsOf(deps.db, exchange), source.market);
  // Markets loaded within the last minute are not in the cache yet: asked again before refusing.
  if (!resolved.ok) resolved = resolveTicker(ticker, await marketsOf(deps.db, exchange, true), source.market);
  if (!resolved.ok) throw new Refusal(resolved.reason);
  return resolved.symbol;
}

/** The legs a signal asks of the source's position on `symbol`: close it, open one, or both (a futures reversal). */
async function placeLegs(
  deps: WebhookDeps,
  trx: Knex.Transaction,
  hook: WebhookRow,
  source: WebhookSourceRow,
  signal: WebhookSignal,
  symbol: string,
): Promise<TradeView> {
  const position: PositionRow | undefined = await trx('positions')
    .where({ webhook_source_id: source.id, symbol, status: 'open' })
    .first();
  const wanted = signal.action === 'buy' ? 'long' : signal.action === 'sell' ? 'short' : null;
  if (wanted === null && !position)
    throw new Refusal(`close : aucune position ouverte sur ${symbol} pour cette source`);
  if (wanted !== null && position?.side === wanted) {
    throw new Refusal(
      `${signal.action} : une position ${wanted === 'long' ? 'longue' : 'courte'} est déjà ouverte sur ${symbol}`,
    );
  }
  if (wanted === 'short' && source.market === 'spot' && !position) {
    throw new Refusal(`sell : aucune position ouverte sur ${symbol} (en spot, sell vend ce que la source a acheté)`);
  }
  const market = await liveMarket(
    trx,
    { broker_id: source.broker_id, symbol, timeframe: '1m' },
    { paperSource: deps.paperSource, paperSlippage: deps.paperSlippage },
  );
  const owner: LegOwner = {
    brokerId: Number(source.broker_id),
    symbol,
    origin: { userId: Number(source.user_id), source: 'webhook', webhookId: Number(hook.id) },
  };
  let last: TradeView | null = null;
  if (position) {
    const side = position.side === 'long' ? 'sell' : 'buy';
    last = await placeMarketLeg(deps.broker, owner, orderKeys.webhook(hook.id, 'close'), side, position.quantity);
    await recordClose(trx, position, [last], market, 'signal', Date.now());
  }
  // A spot sell and a close end with the position closed; a buy, or a futures sell, opens the new side.
  if (wanted === null || (wanted === 'short' && source.market === 'spot')) return last!;
  return openEntry(deps, trx, owner, source, signal, market, wanted);
}

async function openEntry(
  deps: WebhookDeps,
  trx: Knex.Transaction,
  owner: LegOwner,
  source: WebhookSourceRow,
  signal: WebhookSignal,
  market: LiveMarket,
  side: 'long' | 'short',
): Promise<TradeView> {
  const size = signal.size ?? sizeOf(source);
  if (!size) throw new Refusal('taille : absente du message et pas de taille par défaut sur la source');
  const amount = await entrySize(deps.broker, owner, market, size, signal, side);
  if (typeof amount !== 'string') throw new Refusal(amount.refusal);
  const orderSide = side === 'long' ? 'buy' : 'sell';
  const businessKey = orderKeys.webhook(Number(owner.origin.webhookId), 'entry');
  let trade: TradeView;
  if (signal.type === 'limit') {
    trade = await deps.broker.placeOrder({
      brokerId: owner.brokerId,
      businessKey,
      origin: owner.origin,
      request: { symbol: owner.symbol, side: orderSide, type: 'limit', amount, price: signal.price! },
    });
    if (trade.status === 'rejected') throw new LiveOrderError(`Ordre limite refusé : ${trade.errorMessage ?? ''}`);
    if (trade.status !== 'closed') return trade;
  } else {
    trade = await placeMarketLeg(deps.broker, owner, businessKey, orderSide, amount);
  }
  await positionFromFill(
    trx,
    {
      user_id: Number(source.user_id),
      broker_id: Number(source.broker_id),
      symbol: owner.symbol,
      webhook_source_id: Number(source.id),
    },
    market,
    side,
    () => ({ stop_loss: signal.stopLoss, take_profit: signal.takeProfit }),
    trade,
    Date.now(),
  );
  return trade;
}
