import type { Knex } from 'knex';
import { ExchangeError } from '../../core/exchanges/errors';
import { clientOrderId as deriveClientOrderId } from '../../core/trading/client-order-id';
import { checkOrder, type CheckedOrder } from '../../core/trading/order-check';
import type { OrderRequest } from '../../core/trading/orders';
import type { Venue } from '../../core/trading/venue';
import type { OrderOrigin } from './broker-jobs';
import { findTrade, insertPending, recordOrder, recordRefusal, recordUncertain, type TradeRow } from './trade-record';

/** The exchange may or may not have the order: the job is retried, and the retry looks the order up first. */
export class UncertainOrderError extends Error {
  constructor(readonly cause: ExchangeError) {
    super(cause.message);
  }
}

/** Failures that say the exchange did not take the order. */
const DEFINITE: ExchangeError['failure'][] = ['auth', 'rejected', 'not_found'];

async function check(venue: Venue, request: OrderRequest): Promise<CheckedOrder> {
  const market = await venue.market(request.symbol);
  const needsPrice = request.type === 'market' || (!request.amount && request.quoteAmount);
  const last = needsPrice ? ((await venue.tickers([market.symbol]))[market.symbol] ?? null) : null;
  return checkOrder(request, market, last);
}

/**
 * Places an order exactly once. The client order id comes from the business key and is written to `trades` before
 * the exchange is called; an attempt that finds a pending trade (a retry, or a job recovered from a killed worker)
 * asks the exchange for that id first and places the order only if the exchange has never seen it. A finished
 * trade is returned as is.
 */
export async function placeOrder(
  db: Knex,
  venue: Venue,
  brokerId: number,
  businessKey: string,
  origin: OrderOrigin,
  request: OrderRequest,
): Promise<TradeRow> {
  const clientOrderId = deriveClientOrderId(businessKey);
  let trade = await findTrade(db, clientOrderId);
  if (trade && trade.status !== 'pending') return trade;

  let order: CheckedOrder;
  if (trade) {
    const known = await venue.findByClientOrderId(trade.symbol, clientOrderId);
    if (known) return recordOrder(db, trade.id, known);
    order = { symbol: trade.symbol, side: trade.side, type: trade.type, amount: trade.quantity!, price: trade.price };
  } else {
    try {
      order = await check(venue, request);
    } catch (error) {
      if (error instanceof ExchangeError && DEFINITE.includes(error.failure)) {
        await recordRefusal(db, brokerId, origin, clientOrderId, request, error);
      }
      throw error;
    }
    trade = await insertPending(db, brokerId, origin, clientOrderId, order, request);
    // Another attempt of the same order wrote it first: it may be at the exchange already.
    if (!trade) return placeOrder(db, venue, brokerId, businessKey, origin, request);
  }

  try {
    return await recordOrder(db, trade.id, await venue.createOrder(order, clientOrderId));
  } catch (error) {
    if (!(error instanceof ExchangeError)) throw error;
    if (DEFINITE.includes(error.failure)) {
      await recordRefusal(db, brokerId, origin, clientOrderId, request, error);
      throw error;
    }
    await recordUncertain(db, trade.id, error);
    throw new UncertainOrderError(error);
  }
}
