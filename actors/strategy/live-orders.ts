import type { Knex } from 'knex';
import { Dec, decimalFromFloat } from '../../core/decimal';
import { exitLevels } from '../../core/engine/exits';
import type { ExitReason } from '../../core/engine/position';
import type { EntryDecision } from '../../core/engine/reversal';
import type { TradeView } from '../../core/trading/orders';
import type { BrokerRequests } from '../../queues/broker-client';
import type { OrderOrigin } from '../../queues/broker-jobs';
import { orderKeys } from '../../queues/jobs';
import { cancelProtection } from './exchange-protection';
import type { ActivationRow, LiveMarket, PositionRow } from './live-context';

/** An order of a strategy that the exchange refused or did not fill: recorded on the activation as its error. */
export class LiveOrderError extends Error {}

/** An order the exchange has not finished (`pending`, or a market order still `open`): the job is tried again later. */
export class OrderInFlightError extends Error {}

/** Why a live position was closed: the engine's reasons, or the user's (Vendre, Stop, the emergency stop). */
export type LiveExitReason = ExitReason | 'sell' | 'stop' | 'emergency';

/** Who a leg is placed for: the broker, the market and the origin its trade records. */
export interface LegOwner {
  brokerId: number;
  symbol: string;
  origin: OrderOrigin;
}

/**
 * Places one market leg through the broker actor and returns its trade once filled. An order the exchange has not
 * finished throws OrderInFlightError (the job is tried again, the business key keeps it one order).
 */
export async function placeMarketLeg(
  broker: BrokerRequests,
  owner: LegOwner,
  businessKey: string,
  side: 'buy' | 'sell',
  amount: string,
): Promise<TradeView> {
  const trade = await broker.placeOrder({
    brokerId: owner.brokerId,
    businessKey,
    origin: owner.origin,
    request: { symbol: owner.symbol, side, type: 'market', amount },
  });
  if (trade.status === 'pending' || trade.status === 'open') {
    throw new OrderInFlightError(`order ${trade.clientOrderId} is ${trade.status} at the exchange`);
  }
  // A market order that expired or was cancelled after part of it filled counts for that part.
  if (!trade.filledQuantity || !trade.averagePrice || Dec(trade.filledQuantity).lte(0)) {
    const detail = trade.errorMessage ? ` : ${trade.errorMessage}` : '';
    throw new LiveOrderError(
      `L'ordre ${side === 'buy' ? "d'achat" : 'de vente'} n'a pas été exécuté (${trade.status})${detail}`,
    );
  }
  return trade;
}

function activationOwner(activation: ActivationRow): LegOwner {
  return {
    brokerId: Number(activation.broker_id),
    symbol: activation.symbol,
    origin: {
      userId: Number(activation.user_id),
      source: 'strategy',
      strategyId: Number(activation.strategy_id),
      activeStrategyId: Number(activation.id),
    },
  };
}

/** A trade's fee in the quote currency (an exchange may take it in the base asset, or in neither: then not counted). */
export function quoteFee(
  trade: Pick<TradeView, 'fee' | 'feeCurrency' | 'averagePrice'>,
  market: Pick<LiveMarket, 'base' | 'quote'>,
): Dec {
  if (!trade.fee) return Dec(0);
  if (trade.feeCurrency === market.base) return Dec(trade.fee).times(trade.averagePrice!);
  if (trade.feeCurrency === null || trade.feeCurrency === market.quote) return Dec(trade.fee);
  return Dec(0);
}

/** Opens the activation's position from an entry decision: the order, then the `positions` row from its fill. */
export async function openFromEntry(
  trx: Knex.Transaction,
  broker: BrokerRequests,
  activation: ActivationRow,
  market: LiveMarket,
  businessKey: string,
  entry: EntryDecision,
  amount: string,
  time: number,
): Promise<TradeView> {
  const side = entry.side === 'long' ? 'buy' : 'sell';
  const trade = await placeMarketLeg(broker, activationOwner(activation), businessKey, side, amount);
  await positionFromFill(
    trx,
    activationPositionOwner(activation),
    market,
    entry.side,
    fractionLevels(entry),
    trade,
    time,
  );
  return trade;
}

/** Whose a position is: the activation's or the webhook source's, on a broker and a market. */
export interface PositionOwner {
  user_id: number;
  broker_id: number;
  symbol: string;
  active_strategy_id?: number;
  webhook_source_id?: number;
}

const activationPositionOwner = (activation: ActivationRow): PositionOwner => ({
  user_id: activation.user_id,
  broker_id: activation.broker_id,
  symbol: activation.symbol,
  active_strategy_id: activation.id,
});

/** Stop-loss and take-profit prices of a position, from its entry price. */
export type PositionLevels = (entryPrice: Dec) => { stop_loss: string | null; take_profit: string | null };

/** A strategy's levels: fractions of the entry price (0: none). */
function fractionLevels(entry: Pick<EntryDecision, 'side' | 'stopLoss' | 'takeProfit'>): PositionLevels {
  return (price) => {
    const { stop, target } = exitLevels(entry.side, price.toNumber(), entry.stopLoss, entry.takeProfit);
    return {
      stop_loss: stop === null ? null : decimalFromFloat(stop),
      take_profit: target === null ? null : decimalFromFloat(target),
    };
  };
}

/** The `positions` row of a filled entry: what it holds, its price, its levels and its fee. */
export async function positionFromFill(
  trx: Knex.Transaction,
  owner: PositionOwner,
  market: Pick<LiveMarket, 'base' | 'quote' | 'sizing'>,
  side: 'long' | 'short',
  levels: PositionLevels,
  trade: Pick<TradeView, 'id' | 'averagePrice' | 'filledQuantity' | 'fee' | 'feeCurrency'>,
  time: number,
): Promise<void> {
  const price = Dec(trade.averagePrice!);
  const filled = Dec(trade.filledQuantity!);
  // A fee taken in the base asset leaves less of it to sell, and off the market's grid: what can be sold is held,
  // the dust below the step stays in the account.
  const left = trade.feeCurrency === market.base && trade.fee ? filled.minus(trade.fee) : filled;
  const held = market.sizing.step > 0 ? left.toNearest(market.sizing.step, Dec.ROUND_DOWN) : left;
  await trx('positions').insert({
    ...owner,
    side,
    quantity: held.toFixed(),
    entry_price: price.toFixed(),
    current_price: price.toFixed(),
    ...levels(price),
    unrealized_pnl: '0',
    status: 'open',
    opened_at: new Date(time),
    checked_until: new Date(time),
    entry_trade_id: trade.id,
    entry_fee: quoteFee(trade, market).toFixed(),
  });
}

/**
 * An entry the exchange filled but no position records: its evaluation ran out of attempts after the order (a
 * market order still open at the exchange, the database away at the wrong moment) and the fill was recorded later.
 * Every close of a position is recorded against it, so a filled trade of the activation that no position names is
 * such an entry; without this the bot would hold the asset without knowing it, and open a second position. The
 * position is opened from it, without the levels its lost decision had.
 */
export async function adoptOrphanEntry(
  trx: Knex.Transaction,
  activation: ActivationRow,
  market: LiveMarket,
): Promise<number | null> {
  const orphan:
    | {
        id: number;
        side: 'buy' | 'sell';
        average_price: string;
        filled_quantity: string;
        fee: string | null;
        fee_currency: string | null;
        updated_at: Date;
      }
    | undefined = await trx('trades as t')
    .where('t.active_strategy_id', activation.id)
    .whereNotIn('t.status', ['pending', 'open', 'rejected'])
    .where('t.filled_quantity', '>', 0)
    .whereNotNull('t.average_price')
    .modify((q) => {
      if (activation.market === 'spot') q.where('t.side', 'buy');
    })
    .whereNotExists((q) =>
      q.select(trx.raw('1')).from('positions as p').whereRaw('p.entry_trade_id = t.id OR p.exit_trade_id = t.id'),
    )
    .orderBy('t.id', 'desc')
    .first('t.id', 't.side', 't.average_price', 't.filled_quantity', 't.fee', 't.fee_currency', 't.updated_at');
  if (!orphan) return null;
  await positionFromFill(
    trx,
    activationPositionOwner(activation),
    market,
    orphan.side === 'buy' ? 'long' : 'short',
    () => ({ stop_loss: null, take_profit: null }),
    {
      id: Number(orphan.id),
      averagePrice: orphan.average_price,
      filledQuantity: orphan.filled_quantity,
      fee: orphan.fee,
      feeCurrency: orphan.fee_currency,
    },
    orphan.updated_at.getTime(),
  );
  return Number(orphan.id);
}

/**
 * The business key of the position's next close: one order per position whichever path asks, a new one only after
 * the exchange refused the last (each refusal is a `rejected` trade on the closing side since the position opened).
 */
export async function closeKey(
  trx: Knex.Transaction,
  activation: ActivationRow,
  position: PositionRow,
): Promise<string> {
  const [{ count }] = await trx('trades')
    .where({ active_strategy_id: activation.id, status: 'rejected', side: position.side === 'long' ? 'sell' : 'buy' })
    .where('created_at', '>=', position.opened_at)
    // A refused protective leg is no refused close: counted, it would change the key between two tries of one close.
    .whereNull('protects_position_id')
    .count<{ count: string }[]>({ count: '*' });
  return orderKeys.positionClose(Number(activation.id), Number(position.id), Number(count));
}

/**
 * What the protection left of a position is dust when the exchange would refuse to sell it (below the market's step,
 * minimum quantity or minimum value): the position closes from the legs' fills and the dust stays in the account, as
 * after an entry's fee in the base asset. Valued at the lower of the price a leg got and the stop (the market may
 * have fallen there since): a remainder sold at the limit of the minimum would be refused, and the close with it.
 */
function tooSmallToSell(
  left: string,
  lastFill: TradeView,
  position: Pick<PositionRow, 'stop_loss'>,
  market: Pick<LiveMarket, 'sizing'>,
): boolean {
  const quantity = Dec(left);
  if (quantity.lte(0)) return true;
  const { step, minAmount, minCost } = market.sizing;
  const filled = Dec(lastFill.averagePrice ?? 0);
  const price = position.stop_loss !== null ? Dec.min(filled, position.stop_loss) : filled;
  return quantity.lt(step) || quantity.lt(minAmount) || (price.gt(0) && quantity.times(price).lt(minCost));
}

/**
 * Closes a position at market: its protective orders at the exchange cancelled first (what they filled meanwhile is
 * part of the close), the order for what is left, then the row closed with its exit and realised P&L (every leg's
 * fees included), written on the closing trade too. A position its protection sold whole is closed from that fill,
 * with its reason, and nothing is ordered.
 */
export async function closeAtMarket(
  trx: Knex.Transaction,
  broker: BrokerRequests,
  activation: ActivationRow,
  market: LiveMarket,
  position: PositionRow,
  reason: LiveExitReason,
  time: number,
): Promise<TradeView> {
  const long = position.side === 'long';
  const protection = await cancelProtection(trx, broker, activation, position);
  if (protection.fills.length && tooSmallToSell(protection.left, protection.fills.at(-1)!, position, market)) {
    await recordClose(trx, position, protection.fills, market, protection.reason ?? reason, time);
    return protection.fills.at(-1)!;
  }
  const businessKey = await closeKey(trx, activation, position);
  const trade = await placeMarketLeg(
    broker,
    activationOwner(activation),
    businessKey,
    long ? 'sell' : 'buy',
    protection.left,
  );
  await recordClose(trx, position, [...protection.fills, trade], market, reason, time);
  return trade;
}

/**
 * A position closed by its filled legs (one market order, or what its protection filled and the rest at market):
 * its exit at their average price and its realised P&L, both sides' fees included, on the last trade too.
 */
export async function recordClose(
  trx: Knex.Transaction,
  position: Pick<PositionRow, 'id' | 'side' | 'entry_price' | 'entry_fee'>,
  trades: TradeView[],
  market: Pick<LiveMarket, 'base' | 'quote'>,
  reason: LiveExitReason,
  time: number,
): Promise<void> {
  const long = position.side === 'long';
  const entry = Dec(position.entry_price);
  let quantity = Dec(0);
  let proceeds = Dec(0);
  let fees = Dec(0);
  for (const trade of trades) {
    quantity = quantity.plus(trade.filledQuantity!);
    proceeds = proceeds.plus(Dec(trade.averagePrice!).times(trade.filledQuantity!));
    fees = fees.plus(quoteFee(trade, market));
  }
  const exit = proceeds.div(quantity);
  const gross = (long ? exit.minus(entry) : entry.minus(exit)).times(quantity);
  const pnl = gross.minus(Dec(position.entry_fee ?? 0)).minus(fees);
  const last = trades.at(-1)!;
  await trx('positions')
    .where({ id: position.id, status: 'open' })
    .update({
      status: 'closed',
      closed_at: new Date(time),
      current_price: exit.toFixed(),
      exit_price: exit.toFixed(),
      exit_trade_id: last.id,
      exit_reason: reason,
      realized_pnl: pnl.toFixed(),
      unrealized_pnl: null,
    });
  await trx('trades').where({ id: last.id }).update({ profit_loss: pnl.toFixed() });
}
