import { ExchangeError } from '../exchanges/errors';
import { clientOrderId } from './client-order-id';
import { checkOrder } from './order-check';
import type { MarketRules, OrderRequest } from './orders';

// BTC/USDT's rules in Binance's real exchangeInfo (../shared/fixtures/binance/rest/exchangeInfo_real_trimmed.json).
const BTC: MarketRules = {
  symbol: 'BTC/USDT',
  base: 'BTC',
  quote: 'USDT',
  active: true,
  amountStep: '0.00001',
  priceStep: '0.01',
  minAmount: '0.00001',
  maxAmount: '9000',
  minCost: '5',
  makerFee: '0.001',
  takerFee: '0.001',
};

function refusal(request: Partial<OrderRequest>, market = BTC): { field?: string; message: string } {
  try {
    checkOrder({ symbol: 'BTC/USDT', side: 'buy', type: 'market', ...request }, market, '26000');
  } catch (error) {
    if (error instanceof ExchangeError) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error('accepted');
}

describe('order checks', () => {
  it('accepts an order on the grid and above the minimums', () => {
    expect(
      checkOrder({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: '0.01', price: '25000.5' }, BTC, null),
    ).toEqual({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: '0.01', price: '25000.5' });
  });

  it('turns a quote amount into a quantity rounded down to the step', () => {
    expect(
      checkOrder({ symbol: 'BTC/USDT', side: 'buy', type: 'market', quoteAmount: '100' }, BTC, '26000').amount,
    ).toBe('0.00384');
  });

  it.each([
    [{ amount: '0' }, 'amount', 'Quantité : doit être supérieur à 0'],
    [{ amount: '-0.1' }, 'amount', 'Quantité : doit être supérieur à 0'],
    [{ amount: 'abc' }, 'amount', 'Quantité : nombre décimal attendu'],
    [{ amount: '0.000001' }, 'amount', 'Quantité : 5 décimales au plus (pas de 0.00001)'],
    [{ amount: '10000' }, 'amount', 'Quantité : maximum 9000 BTC'],
    [{ amount: '0.0001' }, 'amount', 'Montant : minimum 5 USDT (2.6 demandé)'],
    [{ quoteAmount: '4' }, 'quoteAmount', 'Montant : minimum 5 USDT (3.9 demandé)'],
    [{ type: 'limit' as const, amount: '0.01' }, 'price', 'Prix : obligatoire pour un ordre limite'],
    [{ type: 'limit' as const, amount: '0.01', price: '1.001' }, 'price', 'Prix : 2 décimales au plus (pas de 0.01)'],
    [{}, 'amount', 'Quantité : indiquez une quantité ou un montant'],
  ])('refuses %j, naming %s', (request, field, message) => {
    expect(refusal(request)).toEqual({ field, message });
  });

  it('refuses a market that is not trading', () => {
    expect(refusal({ amount: '1' }, { ...BTC, active: false }).field).toBe('symbol');
  });
});

describe('client order ids', () => {
  it('are the same for the same business key, different otherwise, and fit Binance', () => {
    const id = clientOrderId('manual:1:abc');
    expect(clientOrderId('manual:1:abc')).toBe(id);
    expect(clientOrderId('manual:1:abd')).not.toBe(id);
    expect(id).toMatch(/^[.A-Z:/a-z0-9_-]{1,36}$/);
  });
});
