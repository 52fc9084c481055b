import type { Knex } from 'knex';
import { Dec } from '../../core/decimal';
import { ExchangeError } from '../../core/exchanges/errors';
import type { TradeView } from '../../core/trading/orders';
import { LIVE_LEGS } from '../../core/trading/protection';
import type { BrokerRequests } from '../../queues/broker-client';
import { orderKeys } from '../../queues/jobs';
import { tradeView, type TradeRow } from '../broker/trade-record';
import type { LiveDeps } from './evaluation';
import { lockActivation, type ActivationRow, type PositionRow } from './live-context';
import type { LiveExitReason } from './live-orders';

/** A protective leg as the position's checks read it. */
interface LegRow {
  id: number;
  type: string;
  status: string;
  filled_quantity: string | null;
}

/** PostgreSQL's lock_not_available. */
const LOCK_TIMEOUT = '55P03';

/** Whether this activation's new positions get their levels as orders at the exchange. */
export function protectsAtExchange(activation: Pick<ActivationRow, 'protection' | 'market'>): boolean {
  return activation.protection === 'exchange' && activation.market === 'spot';
}

function legsOf(db: Knex, positionId: number): Promise<LegRow[]> {
  return db('trades')
    .where({ protects_position_id: positionId })
    .orderBy('id')
    .select('id', 'type', 'status', 'filled_quantity');
}

/** The exit a filled leg is: its stop-loss or its take-profit. */
export const legReason = (leg: Pick<TradeView, 'type'>): LiveExitReason =>
  leg.type === 'stop_limit' ? 'stop_loss' : 'take_profit';

/**
 * Rests the position's stop-loss and take-profit at the exchange (once per position: the business key), for an
 * activation that asks it, on a long spot position with levels. A refusal (the exchange's, or a market too small for
 * its minimum) is written on the legs: the bot watches the levels from then on, as it does for every other position.
 */
export async function placeProtection(
  deps: Pick<LiveDeps, 'broker' | 'logger'>,
  activation: Pick<ActivationRow, 'id' | 'user_id' | 'strategy_id' | 'broker_id' | 'symbol'>,
  position: Pick<PositionRow, 'id' | 'side' | 'quantity' | 'stop_loss' | 'take_profit'>,
): Promise<void> {
  if (position.side !== 'long' || (position.stop_loss === null && position.take_profit === null)) return;
  try {
    await deps.broker.placeProtection({
      brokerId: Number(activation.broker_id),
      businessKey: orderKeys.protection(Number(activation.id), Number(position.id)),
      origin: {
        userId: Number(activation.user_id),
        source: 'strategy',
        strategyId: Number(activation.strategy_id),
        activeStrategyId: Number(activation.id),
      },
      positionId: Number(position.id),
      request: {
        symbol: activation.symbol,
        amount: position.quantity,
        stopLoss: position.stop_loss,
        takeProfit: position.take_profit,
      },
    });
  } catch (error) {
    if (!(error instanceof ExchangeError)) throw error;
    deps.logger.warn({ err: error, positionId: position.id }, 'protective orders refused: the bot watches the levels');
  }
}

/**
 * Places the position's protection under the activation's lock, the position read again there. A close (Vendre, the
 * strategy's exit, Stop, the end) takes the same lock and cancels the legs it finds: placed outside it, a list could
 * land on a position a close had just sold, and rest unwatched on the user's other coins.
 */
export async function protectUnderLock(
  deps: Pick<LiveDeps, 'db' | 'broker' | 'logger'>,
  activationId: number,
  positionId: number,
): Promise<void> {
  await deps.db.transaction(async (trx) => {
    // Behind an evaluation (a candle pull, the sandbox, broker calls) the lock may be held for seconds: the minute
    // check does not hold everyone else's stops for it, it tries again next minute (the bot watches meanwhile).
    await trx.raw("SET LOCAL lock_timeout = '2s'");
    let activation: ActivationRow | undefined;
    try {
      activation = await lockActivation(trx, activationId);
    } catch (error) {
      if ((error as { code?: string }).code === LOCK_TIMEOUT) return;
      throw error;
    }
    if (!activation || !protectsAtExchange(activation)) return;
    const position: PositionRow | undefined = await trx('positions').where({ id: positionId, status: 'open' }).first();
    if (!position || (await legsOf(trx, positionId)).length) return;
    await placeProtection(deps, activation, position);
  });
}

/** What the minute check makes of a position's protection (checkProtection). */
export type ProtectionCheck = { watch: 'exchange' } | { watch: 'bot' } | { watch: 'filled'; tradeId: number };

/**
 * What the minute check does for a position whose levels rest (or were to rest) at the exchange: the protection
 * placed if it never was; its legs asked of the exchange while they are live. `exchange` while the exchange watches
 * the levels; `filled` when a leg filled (the caller closes the position from it); `bot` when the bot's own check
 * must watch them (the protection was refused, cancelled or expired without a fill, or never asked for).
 */
export async function checkProtection(
  deps: LiveDeps,
  activation: ActivationRow,
  position: PositionRow,
): Promise<ProtectionCheck> {
  const legs = await legsOf(deps.db, position.id);
  if (legs.length === 0) {
    if (!protectsAtExchange(activation)) return { watch: 'bot' };
    await protectUnderLock(deps, Number(activation.id), Number(position.id));
    const placed = await legsOf(deps.db, position.id);
    return placed.some((leg) => LIVE_LEGS.includes(leg.status)) ? { watch: 'exchange' } : { watch: 'bot' };
  }
  let settled: Pick<TradeView, 'id' | 'status' | 'filledQuantity'>[] = legs.map((leg) => ({
    id: Number(leg.id),
    status: leg.status,
    filledQuantity: leg.filled_quantity,
  }));
  if (legs.some((leg) => LIVE_LEGS.includes(leg.status))) {
    settled = await deps.broker.call('settleProtection', {
      brokerId: Number(activation.broker_id),
      positionId: Number(position.id),
      cancel: false,
    });
  }
  const filled = settled.find((leg) => leg.status === 'closed' && Dec(leg.filledQuantity ?? 0).gt(0));
  if (filled) return { watch: 'filled', tradeId: filled.id };
  return settled.some((leg) => LIVE_LEGS.includes(leg.status)) ? { watch: 'exchange' } : { watch: 'bot' };
}

/**
 * Before a position is closed at market (the strategy's exit, Vendre, Stop, the end of the period), its legs at the
 * exchange are cancelled — they hold the asset. What any leg sold counts, live or not (a leg filled since the last
 * check, one filled in part then expired, or cancelled by an earlier attempt of this close): the fills returned are
 * part of the close, and only what is left is sold at market.
 */
export async function cancelProtection(
  trx: Knex.Transaction,
  broker: BrokerRequests,
  activation: Pick<ActivationRow, 'broker_id' | 'protection' | 'market'>,
  position: Pick<PositionRow, 'id' | 'quantity'>,
): Promise<{ fills: TradeView[]; left: string; reason: LiveExitReason | null }> {
  const stored: TradeRow[] = await trx('trades').where({ protects_position_id: position.id }).orderBy('id');
  // No legs yet on an activation that protects at the exchange: a placement may still be waiting in the broker's
  // queue (its answer timed out here). The settlement goes through that queue behind it, and cancels what it placed.
  if (!stored.length && !protectsAtExchange(activation)) return { fills: [], left: position.quantity, reason: null };
  const legs =
    !stored.length || stored.some((leg) => LIVE_LEGS.includes(leg.status))
      ? await broker.call('settleProtection', {
          brokerId: Number(activation.broker_id),
          positionId: Number(position.id),
          cancel: true,
        })
      : stored.map(tradeView);
  const fills = legs.filter((leg) => Dec(leg.filledQuantity ?? 0).gt(0));
  const sold = fills.reduce((sum, leg) => sum.plus(leg.filledQuantity!), Dec(0));
  const left = Dec.max(0, Dec(position.quantity).minus(sold));
  return { fills, left: left.toFixed(), reason: fills.length ? legReason(fills[0]!) : null };
}
