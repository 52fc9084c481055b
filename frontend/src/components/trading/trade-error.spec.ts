// A refused attempt's reason is stored in French; the trade log shows it in the reader's language, and only falls
// back to the stored text when there is nothing else to go on.
import { describe, expect, it } from 'vitest';
import type { OrderRefusalReason } from '@core/trading/order-messages';
import { tradeError } from './trade-error';

const minCost: OrderRefusalReason = {
  kind: 'minCost',
  field: 'quoteAmount',
  params: { min: '5', quote: 'USDT', asked: '2.6' },
};

describe('trade errors', () => {
  it('words our own refusal in the reader’s language, French as the server stored it', () => {
    const trade = { errorMessage: 'Montant : minimum 5 USDT (2.6 demandé)', errorReason: minCost };
    expect(tradeError(trade, 'en')).toBe('Amount: minimum 5 USDT (2.6 asked)');
    expect(tradeError(trade, 'fr')).toBe(trade.errorMessage);
  });

  it('words a refusal that names no field', () => {
    const errorReason: OrderRefusalReason = {
      kind: 'insufficientFunds',
      field: null,
      params: { asked: '26026', asset: 'USDT', available: '10000' },
    };
    expect(tradeError({ errorMessage: null, errorReason }, 'en')).toBe(
      'Insufficient funds: 26026 USDT asked, 10000 available',
    );
  });

  it('keeps the stored text of an exchange’s refusal, an older row, or a kind it does not know', () => {
    const said = 'Ordre refusé par Binance : Filter failure: LOT_SIZE';
    expect(tradeError({ errorMessage: said, errorReason: null }, 'en')).toBe(said);
    const newer = { ...minCost, kind: 'fromTheFuture' } as unknown as OrderRefusalReason;
    expect(tradeError({ errorMessage: said, errorReason: newer }, 'en')).toBe(said);
    expect(tradeError({ errorMessage: null, errorReason: null }, 'en')).toBeNull();
  });
});
