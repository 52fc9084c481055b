import type { Knex } from 'knex';
import { ExchangeError } from '../../core/exchanges/errors';
import { clientOrderId } from '../../core/trading/client-order-id';
import { orderRefusalReason } from '../../core/trading/order-messages';
import { OrderRefusedError } from '../../core/trading/order-refusal';
import type { OrderRequest, OrderView } from '../../core/trading/orders';
import { protectionLegKey, protectionLegs, type ProtectionLegs } from '../../core/trading/protection';
import type { Venue } from '../../core/trading/venue';
import type { BrokerJobs } from '../../queues/broker-jobs';
import { DEFINITE, StaleBrokerError, UncertainOrderError } from './place-order';
import {
  insertPending,
  recordNeverSent,
  recordOrder,
  recordRefusal,
  recordUncertain,
  type OrderAccount,
  type TradeRow,
} from './trade-record';

/** The client order ids of a protection: the list's and each leg's, derived from its business key. */
export function protectionIds(businessKey: string) {
  return {
    list: clientOrderId(businessKey),
    stop: clientOrderId(protectionLegKey(businessKey, 'stop')),
    target: clientOrderId(protectionLegKey(businessKey, 'target')),
  };
}

/** A position's protective legs, oldest first. */
export function protectionTrades(db: Knex, brokerId: number, positionId: number): Promise<TradeRow[]> {
  return db('trades').where({ broker_id: brokerId, protects_position_id: positionId }).orderBy('id');
}

type PlaceJob = BrokerJobs['placeProtection']['data'];

/**
 * Rests a position's protection at the exchange exactly once, as an order is placed (place-order.ts): the legs are
 * written `pending` before anything is sent, an attempt that finds them pending asks the exchange for them by their
 * client order ids first, and finished legs are returned as they are. A refusal (ours or the exchange's) is written
 * on the legs, so the position is watched by the bot from then on.
 */
export async function placeProtection(
  db: Knex,
  venue: Venue,
  account: OrderAccount,
  job: PlaceJob,
): Promise<TradeRow[]> {
  const { businessKey, origin, positionId, request } = job;
  const ids = protectionIds(businessKey);
  const mine = (): Promise<TradeRow[]> => db('trades').whereIn('client_order_id', [ids.stop, ids.target]).orderBy('id');
  const earlier = await mine();
  if (earlier.length && earlier.every((leg) => leg.status !== 'pending')) return earlier;
  if (earlier.length && (await recordKnownLegs(db, venue, earlier))) return mine();

  const wanted: { id: string; role: 'stop' | 'target'; price: string; trigger: string | null }[] = [];
  let legs: ProtectionLegs;
  try {
    if (!venue.placeProtection) {
      const reason = orderRefusalReason('protectionUnsupported', null, { exchange: venue.name });
      throw new OrderRefusedError('PROTECTION_UNSUPPORTED', reason);
    }
    legs = protectionLegs(request, await venue.market(request.symbol), ids);
  } catch (error) {
    if (error instanceof ExchangeError && DEFINITE.includes(error.failure)) {
      if (request.stopLoss !== null)
        wanted.push({ id: ids.stop, role: 'stop', price: request.stopLoss, trigger: null });
      if (request.takeProfit !== null) {
        wanted.push({ id: ids.target, role: 'target', price: request.takeProfit, trigger: null });
      }
      await refuseLegs(db, account, job, wanted, error);
    }
    throw error;
  }
  if (legs.stop) wanted.push({ id: ids.stop, role: 'stop', price: legs.stop.price, trigger: legs.stop.trigger });
  if (legs.target) wanted.push({ id: ids.target, role: 'target', price: legs.target.price, trigger: null });

  venue.prepareRequest?.();
  for (const leg of wanted) {
    const order = {
      symbol: legs.symbol,
      side: 'sell' as const,
      type: 'limit' as const,
      amount: legs.amount,
      price: leg.price,
    };
    await insertPending(db, account, origin, leg.id, order, order, legColumns(leg, positionId));
  }
  const rows = await mine();
  // The broker changed (or went) since it was read: nothing was sent; read it again.
  if (rows.length !== wanted.length) throw new StaleBrokerError();
  try {
    const placed = await venue.placeProtection(legs);
    for (const row of rows) {
      const view = placed.legs.find((leg) => leg.clientOrderId === row.client_order_id);
      if (view) await recordOrder(db, row.id, view);
    }
    return mine();
  } catch (error) {
    if (!(error instanceof ExchangeError)) throw error;
    if (DEFINITE.includes(error.failure)) {
      await refuseLegs(db, account, job, wanted, error);
      throw error;
    }
    for (const row of rows) await recordUncertain(db, row.id, error);
    throw new UncertainOrderError(error);
  }
}

function legColumns(leg: { role: 'stop' | 'target'; trigger: string | null }, positionId: number) {
  return {
    type: leg.role === 'stop' ? 'stop_limit' : 'limit',
    stop_price: leg.trigger,
    protects_position_id: positionId,
  };
}

async function refuseLegs(
  db: Knex,
  account: OrderAccount,
  job: PlaceJob,
  legs: { id: string; role: 'stop' | 'target'; price: string; trigger: string | null }[],
  error: ExchangeError,
): Promise<void> {
  for (const leg of legs) {
    const request: OrderRequest = {
      symbol: job.request.symbol,
      side: 'sell',
      type: 'limit',
      amount: job.request.amount,
      price: leg.price,
    };
    await recordRefusal(db, account.id, job.origin, leg.id, request, error);
    await db('trades').where({ client_order_id: leg.id }).update(legColumns(leg, job.positionId));
  }
}

/** Pending legs the exchange turns out to have: recorded from it. False when it has none of them. */
async function recordKnownLegs(db: Knex, venue: Venue, legs: TradeRow[]): Promise<boolean> {
  const known: [TradeRow, OrderView | null][] = [];
  for (const leg of legs) {
    known.push([
      leg,
      leg.status === 'pending' ? await venue.findByClientOrderId(leg.symbol, leg.client_order_id!) : null,
    ]);
  }
  if (!known.some(([, view]) => view)) return false;
  for (const [leg, view] of known) if (view) await recordOrder(db, leg.id, view);
  return true;
}

/**
 * Brings a position's protective legs up to date with the exchange, after cancelling those still open when
 * `cancel` (the position is about to be closed otherwise). A leg still pending is looked up first; when cancelling,
 * one the exchange never got is ended so that no retry sends it. A cancel that fails because a leg has just filled
 * leaves the legs as the exchange reports them: the caller sees the fill.
 */
export async function settleProtection(
  db: Knex,
  venue: Venue,
  brokerId: number,
  positionId: number,
  cancel: boolean,
): Promise<TradeRow[]> {
  const pending = (await protectionTrades(db, brokerId, positionId)).filter((leg) => leg.status === 'pending');
  if (pending.length && !(await recordKnownLegs(db, venue, pending)) && cancel) {
    for (const leg of pending) await recordNeverSent(db, leg.id);
  }
  const open = (await protectionTrades(db, brokerId, positionId)).filter(
    (leg) => leg.status === 'open' && leg.exchange_order_id,
  );
  let cancelError: unknown;
  if (open.length && cancel) {
    try {
      const views = await venue.cancelProtection!(
        open[0]!.symbol,
        open[0]!.order_list_id,
        open.map((leg) => leg.exchange_order_id!),
      );
      for (const view of views) {
        const leg = open.find((row) => row.exchange_order_id === view.id);
        if (!leg) continue;
        // A leg cancelled after part of it filled: its fee is in its trades, which the cancel's report lacks.
        const filledInPart = Number(view.filled) > 0 && view.fee === null;
        await recordOrder(db, leg.id, filledInPart ? await venue.fetchOrder(view.id, leg.symbol) : view);
      }
    } catch (error) {
      if (!(error instanceof ExchangeError)) throw error;
      cancelError = error;
    }
  }
  const still = (await protectionTrades(db, brokerId, positionId)).filter(
    (leg) => leg.status === 'open' && leg.exchange_order_id,
  );
  for (const leg of still) {
    try {
      await recordOrder(db, leg.id, await venue.fetchOrder(leg.exchange_order_id!, leg.symbol));
    } catch (error) {
      if (!(error instanceof ExchangeError) || error.failure !== 'not_found') throw error;
      // Gone from the exchange's books (an account reset, an archive): it protects nothing any more, the bot watches.
      await db('trades').where({ id: leg.id, status: 'open' }).update({
        status: 'expired',
        error_code: error.code,
        error_message: "L'exchange ne connaît plus cet ordre : le bot surveille les niveaux",
        updated_at: new Date(),
      });
    }
  }
  const legs = await protectionTrades(db, brokerId, positionId);
  if (cancelError && legs.some((leg) => leg.status === 'open')) throw cancelError;
  return legs;
}
