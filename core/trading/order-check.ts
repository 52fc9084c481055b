import { Dec as Decimal } from '../decimal';
import { ExchangeError } from '../exchanges/errors';
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

function refuse(message: string, field: string): never {
  throw new ExchangeError('INVALID_ORDER', message, 'rejected', field);
}

function decimal(value: string | undefined, label: string, field: string): Decimal | undefined {
  if (value === undefined || value === '') return undefined;
  if (!DECIMAL.test(value)) refuse(`${label} : nombre décimal attendu`, field);
  const number = new Decimal(value);
  if (number.lte(0)) refuse(`${label} : doit être supérieur à 0`, field);
  return number;
}

function onGrid(value: Decimal, step: string | null, label: string, field: string): void {
  if (!step) return;
  const grid = new Decimal(step);
  if (grid.lte(0) || value.mod(grid).isZero()) return;
  refuse(`${label} : ${grid.decimalPlaces()} décimales au plus (pas de ${grid.toFixed()})`, field);
}

/**
 * Checks an order against the market's precision and limits before anything is sent, as the exchange would, and
 * names the field at fault. `referencePrice` (the last price) values market orders and converts a quote amount.
 */
export function checkOrder(request: OrderRequest, market: MarketRules, referencePrice: string | null): CheckedOrder {
  if (!market.active) refuse(`Paire : ${market.symbol} n'est pas négociable en ce moment`, 'symbol');
  const price = decimal(request.price, 'Prix', 'price');
  if (request.type === 'limit') {
    if (!price) refuse('Prix : obligatoire pour un ordre limite', 'price');
    onGrid(price, market.priceStep, 'Prix', 'price');
  }
  const valuation = request.type === 'limit' ? price : referencePrice ? new Decimal(referencePrice) : undefined;

  let amount = decimal(request.amount, 'Quantité', 'amount');
  let amountField = 'amount';
  if (!amount) {
    const quoteAmount = decimal(request.quoteAmount, 'Montant', 'quoteAmount');
    if (!quoteAmount) refuse('Quantité : indiquez une quantité ou un montant', 'amount');
    if (!valuation) refuse('Montant : pas de prix connu pour convertir le montant en quantité', 'quoteAmount');
    amountField = 'quoteAmount';
    const raw = quoteAmount.div(valuation);
    amount = market.amountStep ? raw.div(market.amountStep).floor().mul(market.amountStep) : raw;
    if (amount.lte(0)) refuse(`Montant : trop faible pour acheter une unité de ${market.base}`, 'quoteAmount');
  } else {
    onGrid(amount, market.amountStep, 'Quantité', 'amount');
  }
  if (market.minAmount && amount.lt(market.minAmount)) {
    refuse(`Quantité : minimum ${new Decimal(market.minAmount).toFixed()} ${market.base}`, amountField);
  }
  if (market.maxAmount && new Decimal(market.maxAmount).gt(0) && amount.gt(market.maxAmount)) {
    refuse(`Quantité : maximum ${new Decimal(market.maxAmount).toFixed()} ${market.base}`, amountField);
  }
  if (market.minCost && valuation && amount.mul(valuation).lt(market.minCost)) {
    refuse(
      `Montant : minimum ${new Decimal(market.minCost).toFixed()} ${market.quote} (${amount.mul(valuation).toFixed()} demandé)`,
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
