import type { Knex } from 'knex';
import { rangeExit } from '../../core/engine/exits';
import type { Position } from '../../core/engine/position';
import type { CloseReason } from '../../queues/jobs';
import { type LiveDeps, publishChange, recordFailure, strategyFault } from './evaluation';
import { liveMarket, lockActivation, type ActivationRow, type LiveMarket, type PositionRow } from './live-context';
import { ordering } from './balance-memo';
import { pullClosedCandles, SETTLED_MS } from './pulled-candles';
import { tradeView } from '../broker/trade-record';
import { LIVE_LEGS } from '../../core/trading/protection';
import { checkProtection, legReason } from './exchange-protection';
import { closeAtMarket, recordClose, type LiveExitReason } from './live-orders';

/**
 * Closes one position of an activation at market, under the activation's lock: Vendre, Stop and the emergency stop
 * (`reason`), or a stop-loss / take-profit hit. One business key per position, so a click on Vendre while the stop
 * is being hit, or two clicks, close it once. A position already closed is left alone.
 */
export async function closePosition(
  deps: LiveDeps,
  activeStrategyId: number,
  positionId: number,
  reason: CloseReason | LiveExitReason,
  /** Checked again on the locked row: what made the caller close it may have changed since it looked. */
  still: (activation: ActivationRow) => boolean = () => true,
): Promise<boolean> {
  const closed = await deps.db.transaction(async (trx) => {
    const activation = await lockActivation(trx, activeStrategyId);
    if (!activation || !still(activation)) return false;
    const position: PositionRow | undefined = await trx('positions')
      .where({ id: positionId, active_strategy_id: activeStrategyId, status: 'open' })
      .first();
    if (!position) return false;
    const market = await liveMarket(trx, activation, deps);
    try {
      await ordering(deps.balances, Number(activation.broker_id), () =>
        closeAtMarket(trx, deps.broker, activation, market, position, reason, Date.now()),
      );
    } catch (error) {
      const fault = strategyFault(error);
      if (fault === null) throw error;
      await recordFailure(trx, activation, fault, null);
      return false;
    }
    return true;
  });
  await publishChange(deps, activeStrategyId, 'state');
  return closed;
}

/** Closes a position from the fill of its protective leg at the exchange, under the activation's lock, once. */
async function closeFromLeg(
  deps: LiveDeps,
  activeStrategyId: number,
  positionId: number,
  tradeId: number,
): Promise<boolean> {
  const closed = await deps.db.transaction(async (trx) => {
    const activation = await lockActivation(trx, activeStrategyId);
    const position: PositionRow | undefined = await trx('positions').where({ id: positionId, status: 'open' }).first();
    if (!activation || !position) return false;
    const trade = tradeView(await trx('trades').where({ id: tradeId }).first());
    const market = await liveMarket(trx, activation, deps);
    const time = trade.executedAt ? Date.parse(trade.executedAt) : Date.now();
    await recordClose(trx, position, [trade], market, legReason(trade), time);
    return true;
  });
  if (closed) await publishChange(deps, activeStrategyId, 'order');
  return closed;
}

const MINUTE = 60_000;

/**
 * Positions of active activations that close at their end once it has passed without an evaluation closing them
 * (an end date between two closes, or no close evaluated at it): closed at market, reason `end`. Checked with the
 * stops, every minute.
 */
export async function closeEnded(deps: LiveDeps, now: number): Promise<number> {
  const rows: { id: number; active_strategy_id: number }[] = await deps
    .db('positions')
    .join('active_strategies', 'active_strategies.id', 'positions.active_strategy_id')
    .where({ 'positions.status': 'open', 'active_strategies.state': 'active', 'active_strategies.close_at_end': true })
    .where('active_strategies.end_date', '<=', new Date(now))
    .select('positions.id', 'positions.active_strategy_id');
  let closed = 0;
  for (const row of rows) {
    try {
      const ended = (a: ActivationRow) => a.state === 'active' && a.close_at_end && a.end_date.getTime() <= now;
      if (await closePosition(deps, Number(row.active_strategy_id), Number(row.id), 'end', ended)) closed++;
    } catch (error) {
      deps.logger.warn({ err: error, positionId: row.id }, 'end-of-period close failed');
    }
  }
  return closed;
}

/** The engine's view of a stored position, to test its levels against candles. */
function enginePosition(row: PositionRow): Position {
  const price = Number(row.entry_price);
  const amount = Number(row.quantity);
  return {
    side: row.side,
    entry: { price, amount, cost: price * amount, fee: 0, role: 'taker' },
    entryTime: new Date(row.opened_at).getTime(),
    stop: row.stop_loss === null ? null : Number(row.stop_loss),
    target: row.take_profit === null ? null : Number(row.take_profit),
  };
}

/**
 * Stop-loss and take-profit (of stopped activations too: their positions stay protected), checked every minute against the high and low of each 1m candle closed since the last
 * check — a wick counts, as in the backtest, and the stop is taken first when one candle touches both. A hit closes
 * the position at market through the broker actor; otherwise the check moves on to the last candle seen.
 */
export async function protectPositions(deps: LiveDeps, now: number): Promise<number> {
  const { db } = deps;
  const rows: (PositionRow & { active_strategy_id: number; symbol: string; broker_id: number })[] = await db(
    'positions',
  )
    .join('active_strategies', 'active_strategies.id', 'positions.active_strategy_id')
    .where('positions.status', 'open')
    .where((q) => q.whereNotNull('positions.stop_loss').orWhereNotNull('positions.take_profit'))
    .select('positions.*');
  let hits = 0;
  for (const row of rows) {
    try {
      if (await protectOne(deps, row, now)) hits++;
    } catch (error) {
      // One position's failure (its broker down) must not hold back everyone else's stops.
      deps.logger.warn({ err: error, positionId: row.id }, 'stop-loss check failed');
    }
  }
  return hits;
}

async function protectOne(
  deps: LiveDeps,
  row: PositionRow & { active_strategy_id: number; symbol: string },
  now: number,
): Promise<boolean> {
  const activation: ActivationRow = await deps.db('active_strategies').where({ id: row.active_strategy_id }).first();
  const protection = await checkProtection(deps, activation, row);
  if (protection.watch === 'filled')
    return closeFromLeg(deps, Number(row.active_strategy_id), Number(row.id), protection.tradeId);
  const market = await liveMarket(deps.db, activation, deps);
  if (protection.watch === 'exchange') {
    // The bot watches what the exchange no longer holds: a leg that expired while the other rests (Binance expires
    // the stop when the target fills in part) leaves its level to the bot. A stop-limit the market fell through
    // rests unfilled below its limit: the bot closes at market then, as it would without the exchange. The close
    // cancels the legs first and counts what they filled.
    const live: { type: string; price: string }[] = await deps
      .db('trades')
      .where({ protects_position_id: row.id })
      .whereIn('status', LIVE_LEGS)
      .select('type', 'price');
    const stop = live.find((leg) => leg.type === 'stop_limit');
    const levels = {
      stop_loss: stop ? stop.price : row.stop_loss,
      take_profit: live.some((leg) => leg.type !== 'stop_limit') ? null : row.take_profit,
    };
    if (levels.stop_loss === null && levels.take_profit === null) return false;
    const hit = await levelHit(deps.db, { ...row, ...levels }, market, now);
    return hit ? closePosition(deps, Number(row.active_strategy_id), Number(row.id), hit.reason) : false;
  }
  // On an exchange the heartbeat does not stream, the minutes since the last check are asked of the exchange.
  // The last minute closed a few seconds ago at least: the exchange has its last trades in it by then.
  const lastMinute = Math.floor((now - SETTLED_MS) / MINUTE) * MINUTE - MINUTE;
  const since = new Date(row.checked_until ?? row.opened_at).getTime();
  const minutes = Math.min(1000, Math.max(1, Math.floor((lastMinute - since) / MINUTE) + 1));
  await pullClosedCandles(deps, { source: market.exchange, symbol: row.symbol, timeframe: '1m' }, lastMinute, minutes);
  const hit = await levelHit(deps.db, row, market, now);
  return hit ? closePosition(deps, Number(row.active_strategy_id), Number(row.id), hit.reason) : false;
}

/**
 * The first exit the position's levels meet in the 1m candles closed since its last check (the engine's range exit:
 * a wick counts, the stop first when one candle touches both); none, and the check moves on to the last candle seen.
 * Strategies' and webhooks' positions alike.
 */
export async function levelHit(
  db: Knex,
  row: PositionRow & { symbol: string },
  market: LiveMarket,
  now: number,
): Promise<ReturnType<typeof rangeExit>> {
  const candles: { open_time: Date; open: string; high: string; low: string }[] = await db('candles')
    .where({ source: market.exchange, symbol: row.symbol, timeframe: '1m' })
    .where('open_time', '>=', new Date(row.checked_until ?? row.opened_at))
    .where('close_time', '<', new Date(now))
    .orderBy('open_time')
    .select('open_time', 'open', 'high', 'low');
  if (candles.length === 0) return null;
  const position = enginePosition(row);
  for (const c of candles) {
    const hit = rangeExit(position, Number(c.open), Number(c.low), Number(c.high), market.costs);
    if (hit) return hit;
  }
  const last = new Date(candles[candles.length - 1].open_time).getTime() + 60_000;
  await db('positions')
    .where({ id: row.id, status: 'open' })
    .update({ checked_until: new Date(last) });
  return null;
}
