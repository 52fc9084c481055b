import ccxt, { type Exchange, type MarketInterface as Market } from 'ccxt';
import type { MarketRules } from '../trading/orders';
import { PAPER } from './catalog';

type Num = number | string | undefined | null;

/** ccxt's number as an exact decimal string (ccxt parses exchange strings to numbers; this gives them back). */
function exact(exchange: Exchange, value: Num): string | null {
  if (value === undefined || value === null || value === '') return null;
  return exchange.numberToString(Number(value));
}

/** The step of a quantity or price, whatever the exchange's precision mode. */
function step(exchange: Exchange, precision: Num): string | null {
  if (precision === undefined || precision === null) return null;
  if (exchange.precisionMode === ccxt.TICK_SIZE) return exact(exchange, precision);
  if (exchange.precisionMode === ccxt.DECIMAL_PLACES)
    return Number(precision) > 0 ? `0.${'0'.repeat(Number(precision) - 1)}1` : '1';
  return null;
}

export function marketRules(exchange: Exchange, market: Market): MarketRules {
  return {
    symbol: market.symbol,
    base: market.base,
    quote: market.quote,
    active: market.active !== false,
    amountStep: step(exchange, market.precision?.amount),
    priceStep: step(exchange, market.precision?.price),
    minAmount: exact(exchange, market.limits?.amount?.min),
    maxAmount: exact(exchange, market.limits?.amount?.max),
    minCost: exact(exchange, market.limits?.cost?.min),
    makerFee: exact(exchange, market.maker),
    takerFee: exact(exchange, market.taker),
  };
}

/** A row of `exchange_symbols`. */
export interface SymbolRow {
  exchange: string;
  symbol: string;
  base: string;
  quote: string;
  active: boolean;
  type: string;
  min_amount: string | null;
  max_amount: string | null;
  min_cost: string | null;
  amount_precision: string | null;
  price_precision: string | null;
  maker_fee: string | null;
  taker_fee: string | null;
}

export function symbolRow(exchangeId: string, exchange: Exchange, market: Market): SymbolRow {
  const rules = marketRules(exchange, market);
  return {
    exchange: exchangeId,
    symbol: rules.symbol,
    base: rules.base,
    quote: rules.quote,
    active: rules.active,
    type: String(market.type ?? 'spot'),
    min_amount: rules.minAmount,
    max_amount: rules.maxAmount,
    min_cost: rules.minCost,
    amount_precision: rules.amountStep,
    price_precision: rules.priceStep,
    maker_fee: rules.makerFee,
    taker_fee: rules.takerFee,
  };
}

/** The exchange whose markets a broker trades: paper brokers trade their price source's markets. */
export function marketsExchangeOf(brokerExchange: string, paperSource: string): string {
  return brokerExchange === PAPER ? paperSource : brokerExchange;
}
