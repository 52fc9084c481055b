import { ExchangeError } from '../exchanges/errors';
import { clientOrderId } from './client-order-id';
import { checkOrder } from './order-check';
import { orderRefusal } from './order-messages';
import { OrderRefusedError } from './order-refusal';
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

function refusal(request: Partial<OrderRequest>, market = BTC): OrderRefusedError {
  try {
    checkOrder({ symbol: 'BTC/USDT', side: 'buy', type: 'market', ...request }, market, '26000');
  } catch (error) {
    if (error instanceof OrderRefusedError) return error;
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

  // The words in French (the API's answer and the stored message), the same refusal as data (stored beside them),
  // and the English the web app words it in from that data.
  it.each([
    [{ amount: '0' }, 'amount', 'Quantité : doit être supérieur à 0', 'notPositive', 'amount', {}],
    [{ amount: '-0.1' }, 'amount', 'Quantité : doit être supérieur à 0', 'notPositive', 'amount', {}],
    [{ amount: 'abc' }, 'amount', 'Quantité : nombre décimal attendu', 'notDecimal', 'amount', {}],
    [
      { amount: '0.000001' },
      'amount',
      'Quantité : 5 décimales au plus (pas de 0.00001)',
      'tooManyDecimals',
      'amount',
      { decimals: 5, step: '0.00001' },
    ],
    [{ amount: '10000' }, 'amount', 'Quantité : maximum 9000 BTC', 'maxAmount', 'amount', { max: '9000', base: 'BTC' }],
    [
      { amount: '0.0001' },
      'amount',
      'Montant : minimum 5 USDT (2.6 demandé)',
      'minCost',
      'quoteAmount',
      { min: '5', quote: 'USDT', asked: '2.6' },
    ],
    [
      { quoteAmount: '4' },
      'quoteAmount',
      'Montant : minimum 5 USDT (3.9 demandé)',
      'minCost',
      'quoteAmount',
      { min: '5', quote: 'USDT', asked: '3.9' },
    ],
    [
      { type: 'limit' as const, amount: '0.01' },
      'price',
      'Prix : obligatoire pour un ordre limite',
      'limitNeedsPrice',
      'price',
      {},
    ],
    [
      { type: 'limit' as const, amount: '0.01', price: '1.001' },
      'price',
      'Prix : 2 décimales au plus (pas de 0.01)',
      'tooManyDecimals',
      'price',
      { decimals: 2, step: '0.01' },
    ],
    [{}, 'amount', 'Quantité : indiquez une quantité ou un montant', 'quantityOrAmount', 'amount', {}],
    [
      { quoteAmount: '0.0001' },
      'quoteAmount',
      'Montant : trop faible pour acheter une unité de BTC',
      'tooSmallForOne',
      'quoteAmount',
      { base: 'BTC' },
    ],
  ])('refuses %j at %s: %s', (request, at, message, kind, named, params) => {
    const error = refusal(request);
    expect(error).toBeInstanceOf(ExchangeError);
    expect(error.toJSON()).toEqual({ code: 'INVALID_ORDER', message, failure: 'rejected', field: at });
    expect(error.reason).toEqual({ kind, field: named, params });
    expect(orderRefusal(error.reason)).toBe(message);
  });

  it('refuses a market that is not trading, and says so in English from the reason', () => {
    const error = refusal({ amount: '1' }, { ...BTC, active: false });
    expect(error.field).toBe('symbol');
    expect(error.reason).toEqual({ kind: 'inactive', field: 'symbol', params: { symbol: 'BTC/USDT' } });
    expect(orderRefusal(error.reason, 'en')).toBe('Pair: BTC/USDT cannot be traded right now');
  });

  it('refuses a quantity below the minimum at the field typed, naming the quantity', () => {
    const error = refusal({ quoteAmount: '6' }, { ...BTC, minAmount: '0.001', minCost: null });
    expect(error.field).toBe('quoteAmount');
    expect(error.message).toBe('Quantité : minimum 0.001 BTC');
    expect(error.reason).toEqual({ kind: 'minAmount', field: 'amount', params: { min: '0.001', base: 'BTC' } });
    expect(orderRefusal(error.reason, 'en')).toBe('Quantity: minimum 0.001 BTC');
  });

  it('refuses converting an amount without a price', () => {
    let error: unknown;
    try {
      checkOrder({ symbol: 'BTC/USDT', side: 'buy', type: 'market', quoteAmount: '10' }, BTC, null);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({
      message: 'Montant : pas de prix connu pour convertir le montant en quantité',
      reason: { kind: 'noPriceToConvert', field: 'quoteAmount', params: {} },
    });
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
