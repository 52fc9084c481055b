import Decimal from 'decimal.js';
import {
  orderRefusal,
  orderRefusalReason,
  type OrderField,
  type OrderRefusalKind,
  type OrderRefusalParams,
} from '@core/trading/order-messages';
import type { SymbolItem } from '@/api/trading';
import type { Language } from '@/format/number-format';
import { parseDecimalInput } from '@/format/number-input';

/** What the order form holds, as typed (a French user types "0,001"). */
export interface OrderDraft {
  side: 'buy' | 'sell';
  type: 'market' | 'limit';
  quantity: string;
  amount: string;
  price: string;
}

/** The free balances of the pair's two assets, null when the portfolio is not known. */
export interface FreeBalances {
  base: string | null;
  quote: string | null;
}

/** An order that passed the page's checks: what is sent, and what the confirmation tells. */
export interface PrecheckedOrder {
  /** The body's `amount` / `quoteAmount` / `price`, as the API takes them. */
  amount?: string;
  quoteAmount?: string;
  price?: string;
  /** The quantity bought or sold (estimated from the last price when only an amount is given). */
  quantity: string;
  /** Estimated cost in the quote asset, and the taker fee on it; null without a known price. */
  cost: string | null;
  fee: string | null;
}

export type Precheck = { ok: true; order: PrecheckedOrder } | { ok: false; field: OrderField; message: string };

class Refusal {
  constructor(
    readonly field: OrderField,
    readonly message: string,
  ) {}
}

/**
 * Checks an order as the server will (core/trading/order-check.ts, same words) plus the free balance, so that a bad
 * quantity is named before the confirmation rather than after it. The server still checks everything.
 */
export function precheckOrder(
  draft: OrderDraft,
  market: SymbolItem,
  lastPrice: string | null,
  free: FreeBalances,
  language: Language,
): Precheck {
  // `label` names the field in the words, `at` is the input the message stands beside (as the server does: a
  // minimum broken by a typed quantity is shown beside the quantity).
  const refuse = <K extends OrderRefusalKind>(
    kind: K,
    label: OrderField,
    params: OrderRefusalParams<K>,
    at: OrderField = label,
  ): never => {
    throw new Refusal(at, orderRefusal(orderRefusalReason(kind, label, params), language));
  };
  const number = (text: string, field: OrderField): Decimal | undefined => {
    if (!text.trim()) return undefined;
    const parsed = parseDecimalInput(text, language);
    if (parsed === null) return refuse('notDecimal', field, {});
    const value = new Decimal(parsed);
    if (value.lte(0)) refuse('notPositive', field, {});
    return value;
  };
  const onGrid = (value: Decimal, step: string | null, field: OrderField): void => {
    if (!step) return;
    const grid = new Decimal(step);
    if (grid.gt(0) && !value.mod(grid).isZero())
      refuse('tooManyDecimals', field, { decimals: grid.decimalPlaces(), step: grid.toFixed() });
  };

  try {
    if (!market.active) refuse('inactive', 'symbol', { symbol: market.symbol });
    const price = number(draft.price, 'price');
    if (draft.type === 'limit') {
      if (!price) return refuse('limitNeedsPrice', 'price', {});
      onGrid(price, market.priceStep, 'price');
    }
    const valuation = draft.type === 'limit' ? price : lastPrice ? new Decimal(lastPrice) : undefined;

    let quantity = number(draft.quantity, 'amount');
    let quoteAmount: Decimal | undefined;
    let field: OrderField = 'amount';
    if (quantity) {
      onGrid(quantity, market.amountStep, 'amount');
    } else {
      quoteAmount = number(draft.amount, 'quoteAmount');
      if (!quoteAmount) return refuse('quantityOrAmount', 'amount', {});
      if (!valuation) return refuse('noPriceToConvert', 'quoteAmount', {});
      field = 'quoteAmount';
      const raw = quoteAmount.div(valuation);
      quantity = market.amountStep ? raw.div(market.amountStep).floor().mul(market.amountStep) : raw;
      if (quantity.lte(0)) refuse('tooSmallForOne', 'quoteAmount', { base: market.base });
    }
    if (market.minAmount && quantity.lt(market.minAmount)) {
      refuse('minAmount', 'amount', { min: new Decimal(market.minAmount).toFixed(), base: market.base }, field);
    }
    const cost = quoteAmount ?? (valuation ? quantity.mul(valuation) : undefined);
    if (market.minCost && cost && cost.lt(market.minCost)) {
      const min = new Decimal(market.minCost).toFixed();
      refuse('minCost', 'quoteAmount', { min, quote: market.quote, asked: cost.toFixed() }, field);
    }
    if (draft.side === 'buy' && free.quote !== null && cost?.gt(free.quote)) {
      refuse('overBalance', field, { free: new Decimal(free.quote).toFixed(), asset: market.quote });
    }
    if (draft.side === 'sell' && free.base !== null && quantity.gt(free.base)) {
      refuse('overBalance', field, { free: new Decimal(free.base).toFixed(), asset: market.base });
    }
    const fee = cost && market.takerFee ? cost.mul(market.takerFee) : undefined;
    return {
      ok: true,
      order: {
        amount: quoteAmount ? undefined : quantity.toFixed(),
        quoteAmount: quoteAmount?.toFixed(),
        price: draft.type === 'limit' ? price!.toFixed() : undefined,
        quantity: quantity.toFixed(),
        cost: cost?.toFixed() ?? null,
        fee: fee?.toFixed() ?? null,
      },
    };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, field: error.field, message: error.message };
    throw error;
  }
}

/**
 * The quantity (sell) or the amount (buy) that spends `percent` of the free balance, on the market's grid: a buy
 * keeps the quote's cents, a sell rounds down to the quantity step.
 */
export function shareOfBalance(
  side: 'buy' | 'sell',
  percent: number,
  free: FreeBalances,
  amountStep: string | null,
): string | null {
  const balance = side === 'buy' ? free.quote : free.base;
  if (balance === null) return null;
  const share = new Decimal(balance).mul(percent).div(100);
  if (side === 'buy') return share.toDecimalPlaces(2, Decimal.ROUND_DOWN).toFixed();
  return amountStep
    ? share.div(amountStep).floor().mul(amountStep).toFixed()
    : share.toDecimalPlaces(8, Decimal.ROUND_DOWN).toFixed();
}
