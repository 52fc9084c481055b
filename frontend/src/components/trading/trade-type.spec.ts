import { describe, expect, it } from 'vitest';
import { en, fr, type MessageKey } from '@/i18n/messages';
import { tradeTypeLabel } from './trade-type';

const inEnglish = (key: MessageKey): string => en[key];
const inFrench = (key: MessageKey): string => fr[key];

describe('trade type labels', () => {
  it('names the orders a user places by their type', () => {
    expect(tradeTypeLabel({ type: 'market' }, inFrench)).toBe('Marché');
    expect(tradeTypeLabel({ type: 'limit' }, inFrench)).toBe('Limite');
    expect(tradeTypeLabel({ type: 'stop_limit' }, inEnglish)).toBe('Stop-limit');
  });

  it('says which level a protective leg holds', () => {
    expect(tradeTypeLabel({ type: 'stop_limit', protection: 'stop' }, inFrench)).toBe('Stop-loss (stop-limit)');
    expect(tradeTypeLabel({ type: 'limit', protection: 'target' }, inFrench)).toBe('Take-profit (limite)');
    expect(tradeTypeLabel({ type: 'limit', protection: 'target' }, inEnglish)).toBe('Take-profit (limit)');
  });
});
