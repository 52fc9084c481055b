// Order sizing by a market's rules, as both the backtest and the live strategy call it: a quantity the exchange
// would refuse (off its grid, under its minimums) must never be sent, and float noise must not cost a step.
import { DEFAULT_AMOUNT_RULES, entryQuantity, floorToStep, quantityText, sizingOf } from './sizing';

describe('order sizing', () => {
  it('rounds down to the amount step, without losing a step to float noise', () => {
    expect(floorToStep(12.345, sizingOf({ amountStep: '0.01', minAmount: null, minCost: null }))).toBe(12.34);
    // 0.3 / 0.1 is 2.9999999999999996 in float64: still three steps of 0.1.
    expect(floorToStep(0.3, sizingOf({ amountStep: '0.1', minAmount: null, minCost: null }))).toBe(0.3);
    // A step that is not a power of ten: multiples of 0.25.
    expect(floorToStep(1.74, sizingOf({ amountStep: '0.25', minAmount: null, minCost: null }))).toBe(1.5);
    expect(floorToStep(7.9, sizingOf({ amountStep: '3', minAmount: null, minCost: null }))).toBe(6);
    expect(floorToStep(1.234567891, sizingOf(DEFAULT_AMOUNT_RULES))).toBe(1.23456789);
  });

  it('keeps the quantity when the market gives no step', () => {
    expect(floorToStep(1 / 3, sizingOf({ amountStep: null, minAmount: null, minCost: null }))).toBe(1 / 3);
  });

  it('caps the budget at the cash, fee included', () => {
    const sizing = sizingOf({ amountStep: '0.001', minAmount: null, minCost: null });
    // 2,000 asked with 1,001 in cash at 100 and a 0.1 % fee: 1,001 / 100.1 = 10 units exactly.
    expect(entryQuantity(2000, 1001, 100, 0.001, sizing)).toEqual({ quantity: 10, refusal: null });
  });

  it('refuses what the market would refuse, saying why', () => {
    const sizing = sizingOf({ amountStep: '0.01', minAmount: '0.5', minCost: '60' });
    expect(entryQuantity(0.5, 1000, 100, 0, sizing)).toEqual({ quantity: 0, refusal: 'too_small' });
    expect(entryQuantity(40, 1000, 100, 0, sizing)).toEqual({ quantity: 0, refusal: 'min_amount' });
    expect(entryQuantity(55, 1000, 100, 0, sizing)).toEqual({ quantity: 0, refusal: 'min_cost' });
    expect(entryQuantity(65, 1000, 100, 0, sizing)).toEqual({ quantity: 0.65, refusal: null });
  });

  it('writes the quantity as the order carries it, on the grid', () => {
    const cents = sizingOf({ amountStep: '0.01', minAmount: null, minCost: null });
    expect(quantityText(floorToStep(12.345, cents), cents)).toBe('12.34');
    expect(quantityText(1.5, sizingOf({ amountStep: '0.25', minAmount: null, minCost: null }))).toBe('1.50');
    expect(quantityText(0.1 + 0.2, sizingOf({ amountStep: '0.1', minAmount: null, minCost: null }))).toBe('0.3');
    expect(quantityText(6, sizingOf({ amountStep: '3', minAmount: null, minCost: null }))).toBe('6');
    expect(quantityText(1 / 3, sizingOf({ amountStep: null, minAmount: null, minCost: null }))).toBe(
      '0.333333333333333',
    );
  });
});
