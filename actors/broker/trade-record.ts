import type { Knex } from 'knex';
import { trimNullableDecimal } from '../../core/decimal';
import type { ExchangeError } from '../../core/exchanges/errors';
import type { CheckedOrder } from '../../core/trading/order-check';
import type { OrderRefusalReason } from '../../core/trading/order-messages';
import { OrderRefusedError } from '../../core/trading/order-refusal';
import type { OrderRequest, OrderView, TradeView } from '../../core/trading/orders';

export type { TradeView };
import type { OrderOrigin } from '../../queues/broker-jobs';

/**
 * A row of `trades`: every order attempt, placed or refused. `pending` means written and possibly sent: the
 * exchange is asked before anything is sent again.
 */
export interface TradeRow {
  id: number;
  user_id: number;
  broker_id: number | null;
  source: string;
  client_order_id: string | null;
  exchange_order_id: string | null;
  symbol: string;
  side: 'buy' | 'sell';
  type: 'market' | 'limit' | 'stop_limit';
  quantity: string | null;
  quote_amount: string | null;
  price: string | null;
  filled_quantity: string | null;
  average_price: string | null;
  fee: string | null;
  fee_currency: string | null;
  status: string;
  error_code: string | null;
  error_message: string | null;
  error_reason: OrderRefusalReason | null;
  stop_price: string | null;
  order_list_id: string | null;
  protects_position_id: number | null;
  executed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const text = trimNullableDecimal;

export function tradeView(row: TradeRow): TradeView {
  return {
    id: Number(row.id),
    brokerId: row.broker_id === null ? null : Number(row.broker_id),
    source: row.source,
    clientOrderId: row.client_order_id,
    exchangeOrderId: row.exchange_order_id,
    symbol: row.symbol,
    side: row.side,
    type: row.type,
    quantity: text(row.quantity),
    quoteAmount: text(row.quote_amount),
    price: text(row.price),
    ...(row.stop_price ? { stopPrice: text(row.stop_price) } : {}),
    ...(row.protects_position_id ? { protection: row.type === 'stop_limit' ? 'stop' : 'target' } : {}),
    filledQuantity: text(row.filled_quantity),
    averagePrice: text(row.average_price),
    fee: text(row.fee),
    feeCurrency: row.fee_currency,
    status: row.status,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    errorReason: row.error_reason,
    executedAt: row.executed_at ? new Date(row.executed_at).toISOString() : null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

const DECIMAL = /^-?\d+(\.\d+)?$/;
/** What the user typed, kept on a refused attempt only if the column can hold it. */
const asNumeric = (value: string | undefined) => (value !== undefined && DECIMAL.test(value) ? value : null);

function originColumns(brokerId: number, origin: OrderOrigin) {
  return {
    user_id: origin.userId,
    broker_id: brokerId,
    source: origin.source,
    strategy_id: origin.strategyId ?? null,
    active_strategy_id: origin.activeStrategyId ?? null,
    webhook_id: origin.webhookId ?? null,
  };
}

export async function findTrade(db: Knex, clientOrderId: string): Promise<TradeRow | undefined> {
  return db('trades').where({ client_order_id: clientOrderId }).first();
}

/** The broker account an order is placed on, as read: `version` is its updated_at as PostgreSQL prints it. */
export interface OrderAccount {
  id: number;
  version: string;
  /** Read for this order, rather than kept from an earlier one. */
  fresh: boolean;
}

/**
 * Writes the order before it is sent, if the broker is still as read (the user's, active, not updated since).
 * Returns undefined when nothing was written: a trade with this client order id exists (an earlier attempt of the
 * same order, which the caller treats as a recovery), or the broker changed.
 */
export async function insertPending(
  db: Knex,
  account: OrderAccount,
  origin: OrderOrigin,
  clientOrderId: string,
  order: CheckedOrder,
  request: OrderRequest,
  /** Columns beyond an order's (a protective leg's type, trigger and position). */
  extra: Record<string, unknown> = {},
): Promise<TradeRow | undefined> {
  const columns: Record<string, unknown> = {
    ...originColumns(account.id, origin),
    client_order_id: clientOrderId,
    symbol: order.symbol,
    side: order.side,
    type: order.type,
    quantity: order.amount,
    quote_amount: asNumeric(request.quoteAmount),
    price: order.price,
    status: 'pending',
    ...extra,
  };
  const names = Object.keys(columns);
  const { rows } = await db.raw<{ rows: TradeRow[] }>(
    `INSERT INTO trades (${names.map(() => '??').join(', ')})
     SELECT ${names.map(() => '?').join(', ')}
     WHERE EXISTS (SELECT 1 FROM brokers WHERE id = ? AND user_id = ? AND is_active AND updated_at = ?::timestamptz)
     ON CONFLICT (client_order_id) DO NOTHING
     RETURNING *`,
    [...names, ...Object.values(columns), account.id, origin.userId, account.version] as Knex.RawBinding[],
  );
  return rows[0];
}

/** Records an attempt refused before it reached the exchange (our checks) or by the exchange. */
export async function recordRefusal(
  db: Knex,
  brokerId: number,
  origin: OrderOrigin,
  clientOrderId: string,
  request: OrderRequest,
  error: ExchangeError,
): Promise<TradeRow> {
  const columns = {
    status: 'rejected',
    error_code: error.code,
    error_message: error.message,
    // Only our own refusals have a reason to word again; an exchange's words are shown as it said them.
    error_reason: error instanceof OrderRefusedError ? error.reason : null,
    updated_at: new Date(),
  };
  const [row] = await db('trades')
    .insert({
      ...originColumns(brokerId, origin),
      client_order_id: clientOrderId,
      symbol: request.symbol.slice(0, 50),
      side: request.side,
      type: request.type,
      quantity: asNumeric(request.amount),
      quote_amount: asNumeric(request.quoteAmount),
      price: asNumeric(request.price),
      ...columns,
    })
    .onConflict('client_order_id')
    .merge(columns)
    // A placed order is never turned into a refusal by a late attempt.
    .whereIn('trades.status', ['pending', 'rejected'])
    .returning('*');
  return (row as TradeRow | undefined) ?? (await findTrade(db, clientOrderId))!;
}

/** Copies the exchange's view of the order onto its trade. */
export async function recordOrder(db: Knex, tradeId: number, order: OrderView): Promise<TradeRow> {
  const [row] = await db('trades')
    .where({ id: tradeId })
    .update({
      exchange_order_id: order.id,
      status: order.status,
      filled_quantity: order.filled,
      average_price: order.average,
      // A report without the fee (Binance's cancel reports carry no fills) keeps the one read from the order's trades.
      ...(order.fee !== null ? { fee: order.fee, fee_currency: order.feeCurrency } : {}),
      error_code: null,
      error_message: null,
      error_reason: null,
      executed_at: Number(order.filled) > 0 ? new Date(order.filledAt ?? order.timestamp ?? Date.now()) : null,
      ...(order.listId ? { order_list_id: order.listId } : {}),
      updated_at: new Date(),
    })
    .returning('*');
  return row as TradeRow;
}

/**
 * Ends a pending trade whose order the exchange never received, once nothing will send it any more: a late
 * market order would be a surprise, so it is not placed now.
 */
export async function recordNeverSent(db: Knex, tradeId: number): Promise<TradeRow | undefined> {
  const [row] = await db('trades')
    .where({ id: tradeId, status: 'pending' })
    .update({
      status: 'rejected',
      error_code: 'ORDER_NOT_SENT',
      error_message: "L'ordre n'a jamais atteint l'exchange : il n'a pas été passé",
      updated_at: new Date(),
    })
    .returning('*');
  return row as TradeRow | undefined;
}

/** Notes why a pending order's fate is still unknown; it stays pending and is looked up before any new attempt. */
export async function recordUncertain(db: Knex, tradeId: number, error: ExchangeError): Promise<void> {
  await db('trades')
    .where({ id: tradeId, status: 'pending' })
    .update({ error_code: error.code, error_message: error.message, updated_at: new Date() });
}

/** Keeps the trade of an order in step with what the exchange says of it (after a cancel or a fetch). */
export async function syncOrder(db: Knex, brokerId: number, order: OrderView): Promise<TradeRow | undefined> {
  const row: TradeRow | undefined = await db('trades')
    .where({ broker_id: brokerId, exchange_order_id: order.id })
    .first();
  return row ? recordOrder(db, row.id, order) : undefined;
}
