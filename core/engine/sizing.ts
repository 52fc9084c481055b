import { decimalFromFloat } from '../decimal';
import type { MarketRules } from '../trading/orders';

/** The part of a market's rules that decides an order's quantity (strings as `exchange_symbols` stores them). */
export type AmountRules = Pick<MarketRules, 'amountStep' | 'minAmount' | 'minCost'>;

/** What a backtest assumes when no market is given: quantities to 1e-8, no minimums. */
export const DEFAULT_AMOUNT_RULES: AmountRules = { amountStep: '0.00000001', minAmount: null, minCost: null };

/** AmountRules parsed once into floats, for the hot path. */
export interface Sizing {
  step: number;
  /** 1 / step when that is a whole number (1e-8 → 1e8): dividing by it rounds exactly where `× step` would not. */
  perUnit: number;
  minAmount: number;
  minCost: number;
}

export type SizeRefusal = 'too_small' | 'min_amount' | 'min_cost';

export type SizedEntry = { quantity: number; refusal: null } | { quantity: 0; refusal: SizeRefusal };

const positive = (value: string | null): number => {
  const number = value === null ? 0 : Number(value);
  return Number.isFinite(number) && number > 0 ? number : 0;
};

export function sizingOf(rules: AmountRules): Sizing {
  const step = positive(rules.amountStep);
  const inverse = step > 0 ? 1 / step : 0;
  const perUnit = step > 0 && Math.abs(inverse - Math.round(inverse)) < 1e-9 * inverse ? Math.round(inverse) : 0;
  return { step, perUnit, minAmount: positive(rules.minAmount), minCost: positive(rules.minCost) };
}

/** Digits after the point of a step (0.001 → 3, 0.25 → 2, 5 → 0). */
function stepDecimals(step: number): number {
  for (let digits = 0; digits <= 20; digits++) {
    const scaled = step * 10 ** digits;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, scaled)) return digits;
  }
  return 20;
}

/**
 * Rounds a quantity down to the market's amount step, as the exchange would refuse anything finer. A hair of
 * tolerance keeps float noise (0.3 / 0.1 = 2.9999999999999996) from costing a whole step.
 */
export function floorToStep(quantity: number, sizing: Sizing): number {
  if (sizing.perUnit > 0) return Math.floor(quantity * sizing.perUnit + 1e-9) / sizing.perUnit;
  if (sizing.step > 0) {
    const steps = Math.floor(quantity / sizing.step + 1e-9);
    return Number((steps * sizing.step).toFixed(stepDecimals(sizing.step)));
  }
  return quantity;
}

/**
 * The quantity an entry buys (or sells short) for `budget` quote at `price` (the expected fill price, slippage
 * included), capped so that cost and fee fit in `cash`, on the market's grid, or why the market would refuse it.
 */
export function entryQuantity(
  budget: number,
  cash: number,
  price: number,
  feeRate: number,
  sizing: Sizing,
): SizedEntry {
  const quantity = floorToStep(Math.min(budget, cash) / (price * (1 + feeRate)), sizing);
  if (!(quantity > 0)) return { quantity: 0, refusal: 'too_small' };
  if (quantity < sizing.minAmount) return { quantity: 0, refusal: 'min_amount' };
  if (quantity * price < sizing.minCost) return { quantity: 0, refusal: 'min_cost' };
  return { quantity, refusal: null };
}

/** A quantity on the market's grid as the decimal string an order carries (12.34 with a step of 0.01 → '12.34'). */
export function quantityText(quantity: number, sizing: Sizing): string {
  if (sizing.step > 0) return quantity.toFixed(stepDecimals(sizing.step));
  return decimalFromFloat(quantity);
}
