import { limitFill, marketableLimitFill, marketFill, reservation } from './fill-model';

const FEES = { makerFee: '0.001', takerFee: '0.002' };

describe('fill model', () => {
  it('fills a market buy above and a market sell below the last price by the slippage, taker fee in quote', () => {
    expect(marketFill('buy', '0.5', '30000', FEES, '0.001')).toEqual({
      price: '30030',
      amount: '0.5',
      cost: '15015',
      fee: '30.03',
      role: 'taker',
    });
    expect(marketFill('sell', '0.5', '30000', FEES, '0.001')).toMatchObject({ price: '29970', cost: '14985' });
  });

  it('keeps every digit: no float rounding on small prices and amounts', () => {
    expect(marketFill('buy', '0.00012345', '0.00002931', FEES, '0')).toEqual({
      price: '0.00002931',
      amount: '0.00012345',
      cost: '0.0000000036183195',
      fee: '0.000000000007236639',
      role: 'taker',
    });
  });

  it('rounds the fee up to the 18 decimals we store, never under-charging', () => {
    expect(marketFill('buy', '0.000000000000000001', '3', { makerFee: null, takerFee: '0.1' }, '0').fee).toBe(
      '0.000000000000000001',
    );
  });

  it('fills a resting limit order at its own price only once the range trades through it', () => {
    const buy = { side: 'buy' as const, amount: '2', price: '100' };
    expect(limitFill(buy, { low: '100.01', high: '105' }, FEES)).toBeNull();
    expect(limitFill(buy, { low: '99', high: '105' }, FEES)).toEqual({
      price: '100',
      amount: '2',
      cost: '200',
      fee: '0.2',
      role: 'maker',
    });
    const sell = { side: 'sell' as const, amount: '2', price: '110' };
    expect(limitFill(sell, { low: '99', high: '109.99' }, FEES)).toBeNull();
    expect(limitFill(sell, { low: '99', high: '110' }, FEES)?.price).toBe('110');
  });

  it('fills a marketable limit order at once as a taker, never beyond its limit', () => {
    const order = { side: 'buy' as const, amount: '1', price: '100.05' };
    expect(marketableLimitFill(order, '100', FEES, '0.001')).toMatchObject({ price: '100.05', role: 'taker' });
    expect(marketableLimitFill(order, '100.06', FEES, '0.001')).toBeNull();
  });

  it('locks the quote with the maker fee for a buy, the base for a sell', () => {
    expect(reservation({ side: 'buy', amount: '2', price: '100' }, FEES)).toEqual({ asset: 'quote', amount: '200.2' });
    expect(reservation({ side: 'sell', amount: '2', price: '100' }, FEES)).toEqual({ asset: 'base', amount: '2' });
  });
});
