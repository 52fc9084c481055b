import { Dec as Decimal } from '../decimal';
import { ExchangeError } from '../exchanges/errors';
import { orderRefusal, type OrderField } from './order-messages';
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

function refuse(message: string, field: OrderField): never {
  throw new ExchangeError('INVALID_ORDER', message, 'rejected', field);
}

function decimal(value: string | undefined, field: OrderField): Decimal | undefined {
  if (value === undefined || value === '') return undefined;
  if (!DECIMAL.test(value)) refuse(orderRefusal('notDecimal', field, []), field);
  const number = new Decimal(value);
  if (number.lte(0)) refuse(orderRefusal('notPositive', field, []), field);
  return number;
}

function onGrid(value: Decimal, step: string | null, field: OrderField): void {
  if (!step) return;
  const grid = new Decimal(step);
  if (grid.lte(0) || value.mod(grid).isZero()) return;
  refuse(orderRefusal('tooManyDecimals', field, [grid.decimalPlaces(), grid.toFixed()]), field);
}

/**
 * Checks an order against the market's precision and limits before anything is sent, as the exchange would, and
 * names the field at fault. `referencePrice` (the last price) values market orders and converts a quote amount.
 */
export function checkOrder(request: OrderRequest, market: MarketRules, referencePrice: string | null): CheckedOrder {
  if (!market.active) refuse(orderRefusal('inactive', 'symbol', [market.symbol]), 'symbol');
  const price = decimal(request.price, 'price');
  if (request.type === 'limit') {
    if (!price) refuse(orderRefusal('limitNeedsPrice', 'price', []), 'price');
    onGrid(price, market.priceStep, 'price');
  }
  const valuation = request.type === 'limit' ? price : referencePrice ? new Decimal(referencePrice) : undefined;

  let amount = decimal(request.amount, 'amount');
  let amountField: OrderField = 'amount';
  if (!amount) {
    const quoteAmount = decimal(request.quoteAmount, 'quoteAmount');
    if (!quoteAmount) refuse(orderRefusal('quantityOrAmount', 'amount', []), 'amount');
    if (!valuation) refuse(orderRefusal('noPriceToConvert', 'quoteAmount', []), 'quoteAmount');
    amountField = 'quoteAmount';
    const raw = quoteAmount.div(valuation);
    amount = market.amountStep ? raw.div(market.amountStep).floor().mul(market.amountStep) : raw;
    if (amount.lte(0)) refuse(orderRefusal('tooSmallForOne', 'quoteAmount', [market.base]), 'quoteAmount');
  } else {
    onGrid(amount, market.amountStep, 'amount');
  }
  if (market.minAmount && amount.lt(market.minAmount)) {
    refuse(orderRefusal('minAmount', 'amount', [new Decimal(market.minAmount).toFixed(), market.base]), amountField);
  }
  if (market.maxAmount && new Decimal(market.maxAmount).gt(0) && amount.gt(market.maxAmount)) {
    refuse(orderRefusal('maxAmount', 'amount', [new Decimal(market.maxAmount).toFixed(), market.base]), amountField);
  }
  if (market.minCost && valuation && amount.mul(valuation).lt(market.minCost)) {
    const asked = amount.mul(valuation).toFixed();
    refuse(
      orderRefusal('minCost', 'quoteAmount', [new Decimal(market.minCost).toFixed(), market.quote, asked]),
      amountField,
    );
  }
  return {
    symbol: market.symbol,
    side: request.side,
    type: request.type,
    amount: amount.toFixed(),
    price: request.type === 'limit' && price ? price.toFixed() : null,
  };
}
