import type { Knex } from 'knex';
import { ExchangeError } from '../../core/exchanges/errors';
import { clientOrderId as deriveClientOrderId } from '../../core/trading/client-order-id';
import { checkOrder, type CheckedOrder } from '../../core/trading/order-check';
import type { OrderRequest } from '../../core/trading/orders';
import type { Venue } from '../../core/trading/venue';
import type { OrderOrigin } from '../../queues/broker-jobs';
import {
  findTrade,
  insertPending,
  recordOrder,
  recordRefusal,
  recordUncertain,
  type OrderAccount,
  type TradeRow,
} from './trade-record';

/** The exchange may or may not have the order: the job is retried, and the retry looks the order up first. */
export class UncertainOrderError extends Error {
  constructor(readonly cause: ExchangeError) {
    super(cause.message);
  }
}

/**
 * A pending trade: asks the exchange whether it has the order and records it if so; otherwise returns the trade
 * still pending, for the caller to place.
 */
async function resume(db: Knex, venue: Venue, trade: TradeRow, clientOrderId: string): Promise<TradeRow> {
  if (trade.status !== 'pending') return trade;
  const known = await venue.findByClientOrderId(trade.symbol, clientOrderId);
  return known ? recordOrder(db, trade.id, known) : trade;
}

/**
 * The broker as kept from an earlier order will not do: it changed since (credentials, switched off, deleted), or
 * what comes next (a refusal written, an earlier attempt looked up) needs it as it is now. Nothing was sent: read
 * it again and start over.
 */
export class StaleBrokerError extends Error {
  constructor() {
    super('le broker est à relire');
  }
}

/** Failures that say the exchange did not take the order. */
export const DEFINITE: ExchangeError['failure'][] = ['auth', 'rejected', 'not_found'];

/** A recent last price of a symbol at this venue (see ReferencePrices). */
export type ReferencePrice = (symbol: string) => Promise<string | null>;

async function check(venue: Venue, request: OrderRequest, referencePrice: ReferencePrice): Promise<CheckedOrder> {
  const market = await venue.market(request.symbol);
  const needsPrice = request.type === 'market' || (!request.amount && request.quoteAmount);
  return checkOrder(request, market, needsPrice ? await referencePrice(market.symbol) : null);
}

/**
 * Places an order exactly once. The client order id comes from the business key and is written to `trades` before
 * the exchange is called; an attempt that finds a pending trade (a retry, or a job recovered from a killed worker)
 * asks the exchange for that id first and places the order only if the exchange has never seen it. A finished
 * trade is returned as is. The trade is written only if the broker is still as read (`account`).
 */
export async function placeOrder(
  db: Knex,
  venue: Venue,
  account: OrderAccount,
  businessKey: string,
  origin: OrderOrigin,
  request: OrderRequest,
  referencePrice: ReferencePrice,
): Promise<TradeRow> {
  const clientOrderId = deriveClientOrderId(businessKey);
  let order: CheckedOrder;
  let trade: TradeRow | undefined;
  try {
    order = await check(venue, request, referencePrice);
  } catch (error) {
    if (!account.fresh) throw new StaleBrokerError();
    // A check can fail on a retry whose first attempt went through (the market moved): the first attempt stands.
    const earlier = await findTrade(db, clientOrderId);
    if (earlier && earlier.status !== 'rejected') {
      const resumed = await resume(db, venue, earlier, clientOrderId);
      if (resumed.status !== 'pending') return resumed;
    }
    if (error instanceof ExchangeError && DEFINITE.includes(error.failure)) {
      await recordRefusal(db, account.id, origin, clientOrderId, request, error);
    }
    throw error;
  }
  // Written before the exchange is called. Already there: an earlier attempt of this order, which may have reached
  // the exchange, or finished.
  // The account's turn at the exchange is waited for while the trade is written.
  venue.prepareRequest?.();
  trade = await insertPending(db, account, origin, clientOrderId, order, request);
  if (!trade) {
    // A recovery asks the exchange with the broker as it is now, not as an earlier order saw it.
    if (!account.fresh) throw new StaleBrokerError();
    const earlier = await findTrade(db, clientOrderId);
    if (!earlier) throw new StaleBrokerError();
    if (earlier.status !== 'pending') return earlier;
    const resumed = await resume(db, venue, earlier, clientOrderId);
    if (resumed.status !== 'pending') return resumed;
    trade = earlier;
    order = {
      symbol: trade.symbol,
      side: trade.side,
      // Protective legs have keys of their own (protection-orders.ts): a trade found here is a market or limit order.
      type: trade.type === 'market' ? 'market' : 'limit',
      amount: trade.quantity!,
      price: trade.price,
    };
  }

  try {
    return await recordOrder(db, trade.id, await venue.createOrder(order, clientOrderId));
  } catch (error) {
    if (!(error instanceof ExchangeError)) throw error;
    if (DEFINITE.includes(error.failure)) {
      await recordRefusal(db, account.id, origin, clientOrderId, request, error);
      throw error;
    }
    await recordUncertain(db, trade.id, error);
    throw new UncertainOrderError(error);
  }
}
