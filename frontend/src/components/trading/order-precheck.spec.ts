// The Trading manuel page names a bad order before its confirmation, with the server's own words
// (core/trading/order-check.ts shares them): these are the refusals a trader meets, and what a good order sends.
import { describe, expect, it } from 'vitest';
import type { SymbolItem } from '@/api/trading';
import { precheckOrder, shareOfBalance, type FreeBalances, type OrderDraft } from './order-precheck';

// BTC/USDT's rules in Binance's real exchangeInfo, as /api/symbols gives them.
const BTC: SymbolItem = {
  symbol: 'BTC/USDT',
  base: 'BTC',
  quote: 'USDT',
  active: true,
  minAmount: '0.00001',
  minCost: '5',
  amountStep: '0.00001',
  priceStep: '0.01',
  takerFee: '0.001',
};
const FREE: FreeBalances = { base: '0.5', quote: '20000' };

function check(draft: Partial<OrderDraft>, language: 'fr' | 'en' = 'fr', free = FREE) {
  return precheckOrder(
    { side: 'buy', type: 'market', quantity: '', amount: '', price: '', ...draft },
    BTC,
    '26000',
    free,
    language,
  );
}

describe('order checks before the confirmation', () => {
  it('accepts a market buy and estimates its cost and fee at the last price', () => {
    expect(check({ quantity: '0,05' })).toEqual({
      ok: true,
      order: { amount: '0.05', quantity: '0.05', cost: '1300', fee: '1.3' },
    });
  });

  it('sends a limit order at its price, and an amount as an amount with its estimated quantity', () => {
    const limit = check({ type: 'limit', quantity: '0.01', price: '25000,5' });
    expect(limit).toMatchObject({ ok: true, order: { amount: '0.01', price: '25000.5', cost: '250.005' } });
    const amount = check({ amount: '100' });
    expect(amount).toMatchObject({ ok: true, order: { quoteAmount: '100', quantity: '0.00384', cost: '100' } });
    expect(amount.ok && amount.order.amount).toBeUndefined();
  });

  it.each([
    [{ quantity: '0' }, 'amount', 'Quantité : doit être supérieur à 0'],
    [{ quantity: '-1' }, 'amount', 'Quantité : doit être supérieur à 0'],
    [{ quantity: 'abc' }, 'amount', 'Quantité : nombre décimal attendu'],
    [{ quantity: '0,0000001' }, 'amount', 'Quantité : 5 décimales au plus (pas de 0.00001)'],
    [{ quantity: '0.0001' }, 'amount', 'Montant : minimum 5 USDT (2.6 demandé)'],
    [{}, 'amount', 'Quantité : indiquez une quantité ou un montant'],
    [{ amount: '0,0001' }, 'quoteAmount', 'Montant : trop faible pour acheter une unité de BTC'],
    [{ type: 'limit', quantity: '0.01' }, 'price', 'Prix : obligatoire pour un ordre limite'],
    [{ type: 'limit', quantity: '0.01', price: '25000.001' }, 'price', 'Prix : 2 décimales au plus (pas de 0.01)'],
    [{ quantity: '1' }, 'amount', 'Quantité : plus que le solde libre (20000 USDT)'],
    [{ side: 'sell', quantity: '0.6' }, 'amount', 'Quantité : plus que le solde libre (0.5 BTC)'],
    [{ amount: '30000' }, 'quoteAmount', 'Montant : plus que le solde libre (20000 USDT)'],
  ] as const)('refuses %j on %s: %s', (draft, field, message) => {
    expect(check(draft)).toEqual({ ok: false, field, message });
  });

  it('refuses below the minimum quantity, and a pair that cannot be traded', () => {
    const tiny = precheckOrder(
      { side: 'sell', type: 'market', quantity: '0.001', amount: '', price: '' },
      { ...BTC, minAmount: '0.01', minCost: null },
      '26000',
      FREE,
      'fr',
    );
    expect(tiny).toEqual({ ok: false, field: 'amount', message: 'Quantité : minimum 0.01 BTC' });
    const off = precheckOrder(
      { side: 'buy', type: 'market', quantity: '0.01', amount: '', price: '' },
      { ...BTC, active: false },
      '26000',
      FREE,
      'fr',
    );
    expect(off).toMatchObject({
      ok: false,
      field: 'symbol',
      message: "Paire : BTC/USDT n'est pas négociable en ce moment",
    });
  });

  it('speaks English in English mode, and skips the balance when it is unknown', () => {
    expect(check({ quantity: '0' }, 'en')).toMatchObject({ message: 'Quantity: must be greater than 0' });
    expect(check({ quantity: '1' }, 'fr', { base: null, quote: null })).toMatchObject({ ok: true });
  });
});

describe('share of the free balance', () => {
  it('spends a share of the quote on a buy, sells a share of the base on the quantity grid', () => {
    expect(shareOfBalance('buy', 25, FREE, BTC.amountStep)).toBe('5000');
    expect(shareOfBalance('buy', 75, { base: null, quote: '1234.567' }, null)).toBe('925.92');
    expect(shareOfBalance('sell', 50, { base: '0.123456789', quote: null }, BTC.amountStep)).toBe('0.06172');
    expect(shareOfBalance('sell', 100, FREE, BTC.amountStep)).toBe('0.5');
    expect(shareOfBalance('sell', 100, { base: null, quote: '1' }, BTC.amountStep)).toBeNull();
  });
});
