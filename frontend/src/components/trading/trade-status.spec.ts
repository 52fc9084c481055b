import { describe, expect, it } from 'vitest';
import { en, type MessageKey } from '@/i18n/messages';
import { tradeStatusLabel } from './trade-status';

const t = (key: MessageKey): string => en[key];

describe('trade status labels', () => {
  it('words the statuses the server writes, and shows one it does not know as sent', () => {
    expect(tradeStatusLabel('closed', t)).toBe('filled');
    expect(tradeStatusLabel('pending', t)).toBe('pending');
    expect(tradeStatusLabel('triggered', t)).toBe('triggered');
    expect(tradeStatusLabel('toString', t)).toBe('toString');
  });
});
