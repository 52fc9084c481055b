import type { Knex } from 'knex';
import { tradeView, type TradeRow } from '../../actors/broker/trade-record';
import { Dec, trimDecimal, trimNullableDecimal } from '../decimal';
import { ConflictError } from '../errors';
import { LIVE_LEGS } from '../trading/protection';
import type { ActivationPositionView, ActivationState, ActivationView } from './activation-view';
import { PAPER } from '../exchanges/catalog';
import { fixedOf, fromFixed18 } from '../stats/fixed';
import { statsCacheFor } from '../stats/stats-cache';

export type { ActivationPositionView, ActivationView };

/** A row of `positions`. */
export interface PositionRow {
  id: number;
  user_id: number;
  broker_id: number;
  active_strategy_id: number | null;
  symbol: string;
  side: 'long' | 'short';
  quantity: string;
  entry_price: string;
  current_price: string | null;
  stop_loss: string | null;
  take_profit: string | null;
  unrealized_pnl: string | null;
  status: 'open' | 'closed';
  opened_at: Date;
  closed_at: Date | null;
  entry_fee: string | null;
  exit_price: string | null;
  realized_pnl: string | null;
  exit_reason: string | null;
}

interface ActivationRow {
  id: number;
  strategy_id: number;
  broker_id: number;
  symbol: string;
  timeframe: string;
  market: 'spot' | 'futures';
  start_date: Date;
  end_date: Date;
  budget: string | null;
  close_at_end: boolean;
  protection: 'bot' | 'exchange';
  state: ActivationState;
  suspended_by: 'user' | 'errors' | 'emergency' | null;
  last_error: string | null;
  last_error_at: Date | null;
  error_count: number;
  last_close_time: Date | null;
  strategy_name: string;
  broker_name: string;
  broker_exchange: string;
}

/** How many trades an activation shows. */
export const ACTIVATION_TRADES = 10;

const iso = (value: Date | null) => (value === null ? null : new Date(value).toISOString());

/**
 * The P&L of an open position at its last price: what closing it there would gain, fees of the exit left out. The
 * stored figure is used when no price was seen yet.
 */
function unrealizedPnl(row: PositionRow): string | null {
  if (row.current_price === null) return trimNullableDecimal(row.unrealized_pnl);
  const move = new Dec(row.current_price).minus(row.entry_price).mul(row.quantity);
  return (row.side === 'long' ? move : move.neg()).toFixed();
}

function positionOfActivation(row: PositionRow): Omit<ActivationPositionView, 'protectedAtExchange'> {
  return {
    id: Number(row.id),
    side: row.side,
    quantity: trimDecimal(row.quantity),
    entryPrice: trimDecimal(row.entry_price),
    stopLoss: trimNullableDecimal(row.stop_loss),
    takeProfit: trimNullableDecimal(row.take_profit),
    lastPrice: trimNullableDecimal(row.current_price),
    unrealizedPnl: unrealizedPnl(row),
    openedAt: new Date(row.opened_at).toISOString(),
  };
}

/** A position as `GET /api/positions` lists it. */
export function positionView(row: PositionRow) {
  return {
    ...positionOfActivation(row),
    brokerId: Number(row.broker_id),
    activeStrategyId: row.active_strategy_id === null ? null : Number(row.active_strategy_id),
    symbol: row.symbol,
    status: row.status,
    unrealizedPnl: row.status === 'open' ? unrealizedPnl(row) : null,
    entryFee: trimNullableDecimal(row.entry_fee),
    exitPrice: trimNullableDecimal(row.exit_price),
    realizedPnl: trimNullableDecimal(row.realized_pnl),
    exitReason: row.exit_reason,
    closedAt: iso(row.closed_at),
  };
}

/**
 * The user's activations as views, newest first: all of them, or those of `ids` (missing and other users' ids are
 * simply absent). `withTrades` adds each one's last ACTIVATION_TRADES trades.
 */
export async function activationViews(
  db: Knex,
  userId: number,
  options: { ids?: number[]; withTrades?: boolean } = {},
): Promise<ActivationView[]> {
  const query = db('active_strategies as a')
    .join('strategies as s', 's.id', 'a.strategy_id')
    .join('brokers as b', 'b.id', 'a.broker_id')
    .where('a.user_id', userId)
    .orderBy([
      { column: 'a.created_at', order: 'desc' },
      { column: 'a.id', order: 'desc' },
    ])
    .select('a.*', 's.name as strategy_name', 'b.name as broker_name', 'b.exchange as broker_exchange');
  if (options.ids) query.whereIn('a.id', options.ids);
  const rows: ActivationRow[] = await query;
  if (!rows.length) return [];
  const ids = rows.map((r) => Number(r.id));
  const [positions, pnlOf, trades, guarded] = await Promise.all([
    db<PositionRow>('positions')
      .where({ user_id: userId, status: 'open' })
      .whereIn('active_strategy_id', ids) as Promise<PositionRow[]>,
    realizedByActivation(db, userId),
    options.withTrades ? lastTrades(db, userId, ids) : Promise.resolve([]),
    db('trades as t')
      .join('positions as p', 'p.id', 't.protects_position_id')
      .where({ 't.user_id': userId, 'p.status': 'open' })
      .whereIn('p.active_strategy_id', ids)
      .whereIn('t.status', ['open', 'pending'])
      .distinct('t.protects_position_id') as Promise<{ protects_position_id: number }[]>,
  ]);
  const positionOf = new Map(positions.map((p) => [Number(p.active_strategy_id), p]));
  const atExchange = new Set(guarded.map((g) => Number(g.protects_position_id)));
  return rows.map((row) => {
    const id = Number(row.id);
    const position = positionOf.get(id);
    const view: ActivationView = {
      id,
      strategyId: Number(row.strategy_id),
      strategyName: row.strategy_name,
      brokerId: Number(row.broker_id),
      brokerName: row.broker_name,
      exchange: row.broker_exchange,
      symbol: row.symbol,
      timeframe: row.timeframe,
      market: row.market,
      startDate: new Date(row.start_date).toISOString(),
      endDate: new Date(row.end_date).toISOString(),
      budget: trimNullableDecimal(row.budget),
      closeAtEnd: row.close_at_end,
      protection: row.protection,
      state: row.state,
      suspendedBy: row.suspended_by,
      lastError: row.last_error,
      lastErrorAt: iso(row.last_error_at),
      errorCount: row.error_count,
      lastCloseTime: iso(row.last_close_time),
      position: position
        ? { ...positionOfActivation(position), protectedAtExchange: atExchange.has(Number(position.id)) }
        : null,
      realizedPnl: pnlOf.get(id) ?? '0',
    };
    if (options.withTrades) {
      view.trades = trades.filter((t) => Number(t.active_strategy_id) === id).map(tradeView);
    }
    return view;
  });
}

async function lastTrades(
  db: Knex,
  userId: number,
  ids: number[],
): Promise<(TradeRow & { active_strategy_id: number })[]> {
  const ranked = db('trades')
    .where({ user_id: userId })
    .whereIn('active_strategy_id', ids)
    .select('*', db.raw('row_number() over (partition by active_strategy_id order by id desc) as rank'));
  return db.from(ranked.as('t')).where('rank', '<=', ACTIVATION_TRADES).orderBy('id', 'desc').select('*');
}

/** One of the user's activations as a view, or undefined when it is not theirs or does not exist. */
export async function activationView(
  db: Knex,
  userId: number,
  id: number,
  withTrades = false,
): Promise<ActivationView | undefined> {
  return (await activationViews(db, userId, { ids: [id], withTrades }))[0];
}

/** A market of exchange_symbols, as the activation checks need it. */
export interface MarketCheck {
  exchange: string;
  symbol: string;
  active: boolean;
  base: string;
  quote: string;
}

/** The market of `symbol` on the exchange whose markets a broker trades (exchange_symbols), if it is listed. */
export async function listedMarket(db: Knex, exchange: string, symbol: string): Promise<MarketCheck | undefined> {
  const row = await db('exchange_symbols').where({ exchange, symbol }).first('symbol', 'active', 'base', 'quote');
  return row && { exchange, symbol: row.symbol, active: row.active, base: row.base, quote: row.quote };
}

/**
 * Whether an activation on this broker may trade `market` in futures: the broker's exchange must list a perpetual or
 * dated contract on the same pair. The paper exchange fills spot orders only, and markets are loaded spot only
 * today (core/exchanges/ccxt-client.ts), so this opens futures only where such contracts are stored.
 */
export async function futuresAllowed(db: Knex, brokerExchange: string, market: MarketCheck): Promise<boolean> {
  if (brokerExchange === PAPER) return false;
  const row = await db('exchange_symbols')
    .where({ exchange: market.exchange, base: market.base, quote: market.quote, active: true })
    .whereIn('type', ['swap', 'future'])
    .first('id');
  return Boolean(row);
}

/**
 * Refuses to delete a strategy or a broker while one of the user's activations of it holds an open position: the
 * activation would go with it, and the position would be left open with no strategy, stop-loss or Vendre to close it.
 */
export async function refuseWhileOpen(
  db: Knex,
  userId: number,
  column: 'strategy_id' | 'broker_id',
  id: number,
): Promise<void> {
  const open = await db('positions')
    .join('active_strategies', 'active_strategies.id', 'positions.active_strategy_id')
    .where({ 'active_strategies.user_id': userId, [`active_strategies.${column}`]: id, 'positions.status': 'open' })
    .first('positions.id');
  // A webhook source trades on its broker too: deleting the broker deletes the source and would orphan its position.
  const webhookOpen =
    column === 'broker_id' &&
    (await db('positions')
      .where({ user_id: userId, broker_id: id, status: 'open' })
      .whereNotNull('webhook_source_id')
      .first('id'));
  if (webhookOpen) {
    throw new ConflictError(
      'Une source de webhook tient une position ouverte sur ce broker : fermez-la par un signal close avant de supprimer',
      undefined,
      'POSITION_OPEN',
    );
  }
  if (open) {
    throw new ConflictError(
      'Une stratégie active tient une position ouverte : vendez-la ou arrêtez la stratégie avant de supprimer',
      undefined,
      'POSITION_OPEN',
    );
  }
}

/**
 * Each activation's realised P&L as the Statistiques page counts it: its fills matched first in first out (the same
 * cached matching), so that the Trading BOT page and the statistics never disagree.
 */
async function realizedByActivation(db: Knex, userId: number): Promise<Map<number, string>> {
  const { matched } = await statsCacheFor(db).matching(userId, { source: 'strategy' });
  const sums = new Map<number, bigint>();
  for (const trip of matched.roundTrips) {
    const id = Number(trip.origin.slice('strategy:'.length));
    if (Number.isSafeInteger(id)) sums.set(id, (sums.get(id) ?? 0n) + fixedOf(trip).pnl);
  }
  return new Map([...sums].map(([id, pnl]) => [id, fromFixed18(pnl)]));
}

/**
 * A broker's account may not change under what rests at its exchange: with other keys or the other network, the
 * bot would no longer find the protective orders of its positions (it would take them for gone and sell on the new
 * account while they still rest on the old one), nor see the orders its positions came from. Deactivated, it could
 * cancel them but not sell what they held.
 */
export async function refuseAccountChange(
  db: Knex,
  userId: number,
  brokerId: number,
  change: { credentials: boolean; network: boolean; deactivate: boolean },
): Promise<void> {
  if (change.network) {
    const open = await db('positions').where({ user_id: userId, broker_id: brokerId, status: 'open' }).first('id');
    if (open) {
      throw new ConflictError(
        'Testnet : des positions sont ouvertes sur ce broker ; vendez-les avant de changer de réseau',
        'isTestnet',
        'POSITION_OPEN',
      );
    }
  }
  if (!change.credentials && !change.network && !change.deactivate) return;
  const resting = await db('trades')
    .where({ user_id: userId, broker_id: brokerId })
    .whereNotNull('protects_position_id')
    .whereIn('status', LIVE_LEGS)
    .first('id');
  if (!resting) return;
  const [label, field] = change.credentials
    ? ['Clés API', 'credentials']
    : change.network
      ? ['Testnet', 'isTestnet']
      : ['Actif', 'isActive'];
  throw new ConflictError(
    `${label} : un stop-loss / take-profit est posé sur l'exchange pour une position de ce broker ; vendez-la d'abord`,
    field,
    'PROTECTION_RESTING',
  );
}
