import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { statsCacheFor } from '../../core/stats/stats-cache';
import { valueHoldings } from '../../core/stats/valuation';
import { Broker, Trade } from '../../core/db/models';
import { NotFoundError, ValidationError } from '../../core/errors';
import { parse, z } from '../../core/validation';
import { tradeView, type TradeRow } from '../../actors/broker/trade-record';
import type { AppDeps } from '../context';
import { OwnedBrokers } from '../owned-brokers';
import { currentUser, tenant } from '../auth.middleware';
import { idField } from '../params';
import { orderKeys } from '../../queues/jobs';
import { orderSchema } from './trading-fields';
import type { OhlcvReply, Portfolio, TickerReply } from './trading-views';

const NOT_FOUND = 'Broker introuvable';

const brokerId = idField('broker attendu');
/** Exchanges' order ids are at most this long (the `trades.exchange_order_id` column). */
const ORDER_ID_MAX = 100;
const LABELS = {
  brokerId: 'Broker',
  symbol: 'Paire',
  side: 'Sens',
  type: 'Type',
  amount: 'Quantité',
  quoteAmount: 'Montant',
  price: 'Prix',
  requestId: 'Requête',
  limit: 'Nombre',
  before: 'Avant',
  timeframe: 'Unité de temps',
};
const brokerQuery = z.object({ brokerId: brokerId.optional(), symbol: z.string().trim().max(50).optional() });
const tradesQuery = z.object({
  brokerId: brokerId.optional(),
  limit: z.coerce.number({ error: 'nombre attendu' }).int().min(1).max(500, { error: '500 au plus' }).default(50),
  /** The next page of history: trades older than this one. */
  before: idField('trade attendu').optional(),
});
/** The timeframes the price chart asks for (ccxt's names, which every exchange we list understands). */
const CHART_TIMEFRAMES = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;
const ohlcvQuery = z.object({
  brokerId: brokerId.optional(),
  symbol: z.string({ error: 'obligatoire' }).trim().min(1, { error: 'obligatoire' }).max(50).toUpperCase(),
  timeframe: z.enum(CHART_TIMEFRAMES, { error: `${CHART_TIMEFRAMES.slice(0, -1).join(', ')} ou 1d` }).default('1h'),
  limit: z.coerce.number({ error: 'nombre attendu' }).int().min(1).max(500, { error: '500 au plus' }).default(120),
});

/**
 * Manual trading on the user's own brokers. Every call names a broker the user owns (their default one when
 * omitted); the broker actor does the rest.
 */
export function tradingRoutes(deps: AppDeps): Router {
  const router = Router();
  const brokers = deps.brokerRequests!;

  const owned = new OwnedBrokers();

  function chosenBroker(res: Parameters<typeof tenant>[0], id: number | undefined): number {
    const chosen = id ?? currentUser(res).default_broker_id;
    if (!chosen) throw new ValidationError('Broker : aucun broker par défaut, choisissez-en un', 'brokerId');
    return chosen;
  }

  async function ownBroker(res: Parameters<typeof tenant>[0], id: number | undefined): Promise<Broker> {
    const broker = await tenant(res).find(Broker, chosenBroker(res, id), NOT_FOUND);
    if (!broker.is_active) {
      throw new ValidationError(`Broker : « ${broker.name} » est désactivé`, 'brokerId', 'BROKER_INACTIVE');
    }
    owned.add(currentUser(res).id, broker.id);
    return broker;
  }

  /** For an order: the broker actor checks the rest as it writes the trade (see OwnedBrokers). */
  async function ownBrokerId(res: Parameters<typeof tenant>[0], id: number | undefined): Promise<number> {
    const chosen = chosenBroker(res, id);
    return owned.has(currentUser(res).id, chosen) ? chosen : (await ownBroker(res, chosen)).id;
  }

  router.get('/portfolio', async (req, res) => {
    const query = parse(brokerQuery, req.query, LABELS);
    const broker = await ownBroker(res, query.brokerId);
    const { assets, totalUsd } = await valueHoldings(brokers, broker.id);
    res.json({
      broker: { id: broker.id, name: broker.name, exchange: broker.exchange },
      assets,
      totalUsd,
    } satisfies Portfolio);
  });

  /** The last price of one pair, for the order form's quantity ↔ amount conversion. */
  router.get('/ticker', async (req, res) => {
    const query = parse(brokerQuery, req.query, LABELS);
    if (!query.symbol) throw new ValidationError('Paire : obligatoire', 'symbol');
    const broker = await ownBroker(res, query.brokerId);
    const prices = await brokers.call('tickers', { brokerId: broker.id, symbols: [query.symbol] });
    res.json({ symbol: query.symbol, last: prices[query.symbol] ?? null } satisfies TickerReply);
  });

  /** The pair's recent candles from the exchange, for the page's price chart. */
  router.get('/ohlcv', async (req, res) => {
    const query = parse(ohlcvQuery, req.query, LABELS);
    const broker = await ownBroker(res, query.brokerId);
    const candles = await brokers.call('ohlcv', {
      brokerId: broker.id,
      symbol: query.symbol,
      timeframe: query.timeframe,
      limit: query.limit,
    });
    res.json({ symbol: query.symbol, timeframe: query.timeframe, candles } satisfies OhlcvReply);
  });

  router.post('/orders', async (req, res) => {
    const order = parse(orderSchema, req.body, LABELS);
    const brokerId = await ownBrokerId(res, order.brokerId);
    const user = currentUser(res);
    const trade = await brokers.placeOrder({
      brokerId,
      businessKey: orderKeys.manual(user.id, order.requestId ?? randomUUID()),
      origin: { userId: user.id, source: 'manual' },
      request: {
        symbol: order.symbol,
        side: order.side,
        type: order.type,
        amount: order.amount,
        quoteAmount: order.quoteAmount,
        price: order.price,
      },
    });
    res.status(201).json(trade);
  });

  router.get('/orders/open', async (req, res) => {
    const query = parse(brokerQuery, req.query, LABELS);
    const broker = await ownBroker(res, query.brokerId);
    res.json(await brokers.call('openOrders', { brokerId: broker.id, symbol: query.symbol || undefined }));
  });

  router.delete('/orders/:id', async (req, res) => {
    const query = parse(brokerQuery, req.query, LABELS);
    const broker = await ownBroker(res, query.brokerId);
    const orderId = String(req.params.id);
    if (orderId.length > ORDER_ID_MAX) throw new NotFoundError('Ordre introuvable', 'ORDER_NOT_FOUND');
    const trade = await tenant(res).query(Trade).where({ broker_id: broker.id, exchange_order_id: orderId }).first();
    const symbol = trade?.symbol ?? query.symbol;
    if (!symbol) throw new ValidationError('Paire : obligatoire pour un ordre passé hors d’Aristobot', 'symbol');
    res.json(await brokers.call('cancelOrder', { brokerId: broker.id, orderId, symbol }));
  });

  return router;
}

/** `GET /api/trades`: the user's order attempts, newest first, placed or refused. */
export function tradesRoutes(deps: Pick<AppDeps, 'db'>): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const query = parse(tradesQuery, req.query, LABELS);
    // Another user's broker is refused like a missing one, rather than shown as a broker without trades.
    if (query.brokerId) await tenant(res).find(Broker, query.brokerId, NOT_FOUND);
    const rows = tenant(res).query(Trade).orderBy('id', 'desc').limit(query.limit);
    if (query.brokerId) rows.where({ broker_id: query.brokerId });
    if (query.before) rows.where('id', '<', query.before);
    const trades = ((await rows) as unknown as TradeRow[]).map(tradeView);
    // The statistics' matching, so that the log and the Statistiques page never disagree on a trade's P&L.
    const filled = trades.filter((t) => t.brokerId !== null && Number(t.filledQuantity ?? 0) > 0);
    const brokerIds = [...new Set(filled.map((t) => t.brokerId!))];
    const pnl = new Map<number, string>();
    for (const brokerId of brokerIds) {
      const { matched } = await statsCacheFor(deps.db).matching(currentUser(res).id, { brokerId });
      for (const [id, value] of matched.fillPnl) pnl.set(id, value);
    }
    res.json(trades.map((t) => ({ ...t, realizedPnl: pnl.get(t.id) ?? null })));
  });
  return router;
}
