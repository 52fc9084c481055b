import { Dec as Decimal } from '../decimal';
import { orderRefusalReason, type OrderField, type OrderRefusalKind, type OrderRefusalParams } from './order-messages';
import { OrderRefusedError } from './order-refusal';
import type { MarketRules, OrderRequest } from './orders';

/** An order that passed our checks: the quantity is exact and on the market's grid. */
export interface CheckedOrder {
  symbol: string;
  side: 'buy' | 'sell';
  type: 'market' | 'limit';
  amount: string;
  price: string | null;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** `field` is named in the words, `at` is the input at fault (a minimum broken by a typed quantity). */
function refuse<K extends OrderRefusalKind>(
  kind: K,
  field: OrderField,
  params: OrderRefusalParams<K>,
  at: OrderField = field,
): never {
  throw new OrderRefusedError('INVALID_ORDER', orderRefusalReason(kind, field, params), at);
}

function decimal(value: string | undefined, field: OrderField): Decimal | undefined {
  if (value === undefined || value === '') return undefined;
  if (!DECIMAL.test(value)) refuse('notDecimal', field, {});
  const number = new Decimal(value);
  if (number.lte(0)) refuse('notPositive', field, {});
  return number;
}

function onGrid(value: Decimal, step: string | null, field: OrderField): void {
  if (!step) return;
  const grid = new Decimal(step);
  if (grid.lte(0) || value.mod(grid).isZero()) return;
  refuse('tooManyDecimals', field, { decimals: grid.decimalPlaces(), step: grid.toFixed() });
}

/**
 * Checks an order against the market's precision and limits before anything is sent, as the exchange would, and
 * names the field at fault. `referencePrice` (the last price) values market orders and converts a quote amount.
 */
export function checkOrder(request: OrderRequest, market: MarketRules, referencePrice: string | null): CheckedOrder {
  if (!market.active) refuse('inactive', 'symbol', { symbol: market.symbol });
  const price = decimal(request.price, 'price');
  if (request.type === 'limit') {
    if (!price) refuse('limitNeedsPrice', 'price', {});
    onGrid(price, market.priceStep, 'price');
  }
  const valuation = request.type === 'limit' ? price : referencePrice ? new Decimal(referencePrice) : undefined;

  let amount = decimal(request.amount, 'amount');
  let amountField: OrderField = 'amount';
  if (!amount) {
    const quoteAmount = decimal(request.quoteAmount, 'quoteAmount');
    if (!quoteAmount) refuse('quantityOrAmount', 'amount', {});
    if (!valuation) refuse('noPriceToConvert', 'quoteAmount', {});
    amountField = 'quoteAmount';
    const raw = quoteAmount.div(valuation);
    amount = market.amountStep ? raw.div(market.amountStep).floor().mul(market.amountStep) : raw;
    if (amount.lte(0)) refuse('tooSmallForOne', 'quoteAmount', { base: market.base });
  } else {
    onGrid(amount, market.amountStep, 'amount');
  }
  if (market.minAmount && amount.lt(market.minAmount)) {
    refuse('minAmount', 'amount', { min: new Decimal(market.minAmount).toFixed(), base: market.base }, amountField);
  }
  if (market.maxAmount && new Decimal(market.maxAmount).gt(0) && amount.gt(market.maxAmount)) {
    refuse('maxAmount', 'amount', { max: new Decimal(market.maxAmount).toFixed(), base: market.base }, amountField);
  }
  if (market.minCost && valuation && amount.mul(valuation).lt(market.minCost)) {
    const asked = amount.mul(valuation).toFixed();
    const min = new Decimal(market.minCost).toFixed();
    refuse('minCost', 'quoteAmount', { min, quote: market.quote, asked }, amountField);
  }
  return {
    symbol: market.symbol,
    side: request.side,
    type: request.type,
    amount: amount.toFixed(),
    price: request.type === 'limit' && price ? price.toFixed() : null,
  };
}
