import type Decimal from 'decimal.js';
import { Dec } from '../decimal';
import { checkOrder } from './order-check';
import type { MarketRules, OrderView } from './orders';

/**
 * Exchanges on which a long spot position's stop-loss and take-profit can rest at the exchange (through ccxt:
 * Binance's STOP_LOSS_LIMIT, LIMIT_MAKER and OCO order lists), so they act even while the bot is down.
 */
const PROTECTING_EXCHANGES = new Set(['binance']);

export function exchangeProtects(exchange: string): boolean {
  return PROTECTING_EXCHANGES.has(exchange);
}

/** Statuses in which a protective leg still protects its position (or may: sent, answer unknown). */
export const LIVE_LEGS = ['open', 'pending'];

/**
 * How far below its trigger a stop-limit's limit sits. A stop-limit rests as a limit once triggered: too close and
 * a fast fall leaves it unfilled below (the bot's own check then closes at market, see the strategy actor), too far
 * and a fill can be that much worse than the stop.
 */
export const STOP_LIMIT_GAP = '0.005';

/** What the position asks for: sell its quantity at the stop or at the target, whichever comes first. */
export interface ProtectionRequest {
  symbol: string;
  amount: string;
  stopLoss: string | null;
  takeProfit: string | null;
}

/** The legs as the exchange will get them, on the market's grid, with their client order ids. */
export interface ProtectionLegs {
  symbol: string;
  amount: string;
  listClientOrderId: string;
  stop: { trigger: string; price: string; clientOrderId: string } | null;
  target: { price: string; clientOrderId: string } | null;
}

/** The legs as the exchange took them; `listId` when they are one order list (both legs). */
export interface PlacedProtection {
  listId: string | null;
  legs: OrderView[];
}

/** The role of a protective leg, from its client order id's business key suffix. */
export type ProtectionRole = 'stop' | 'target';

export const protectionLegKey = (businessKey: string, role: ProtectionRole) => `${businessKey}:${role}`;

const onGrid = (value: Dec, step: string | null, rounding: Decimal.Rounding) =>
  step && Dec(step).gt(0) ? value.toNearest(step, rounding) : value;

/**
 * The legs of a protection on this market: the trigger and the target on the price grid (the stop rounded up and
 * the target down, so neither is further from the entry than asked), the stop-limit's limit `STOP_LIMIT_GAP` below
 * its trigger, the quantity on the amount grid; each leg checked as an order (minimum quantity and notional).
 */
export function protectionLegs(
  request: ProtectionRequest,
  market: MarketRules,
  ids: { list: string; stop: string; target: string },
): ProtectionLegs {
  const amount = onGrid(Dec(request.amount), market.amountStep, Dec.ROUND_DOWN).toFixed();
  const leg = (price: Dec) =>
    checkOrder({ symbol: market.symbol, side: 'sell', type: 'limit', amount, price: price.toFixed() }, market, null);
  let stop: ProtectionLegs['stop'] = null;
  if (request.stopLoss !== null) {
    const trigger = onGrid(Dec(request.stopLoss), market.priceStep, Dec.ROUND_UP);
    const price = onGrid(trigger.times(Dec(1).minus(STOP_LIMIT_GAP)), market.priceStep, Dec.ROUND_DOWN);
    leg(price);
    stop = { trigger: trigger.toFixed(), price: price.toFixed(), clientOrderId: ids.stop };
  }
  let target: ProtectionLegs['target'] = null;
  if (request.takeProfit !== null) {
    const price = onGrid(Dec(request.takeProfit), market.priceStep, Dec.ROUND_DOWN);
    leg(price);
    target = { price: price.toFixed(), clientOrderId: ids.target };
  }
  return { symbol: market.symbol, amount, listClientOrderId: ids.list, stop, target };
}
