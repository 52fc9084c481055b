// The source form sends what the server validates: decimal sizes with a dot whatever the language, whole seconds,
// and on an edit the passphrase only when it was typed or cleared (an empty box keeps the stored one).
import { describe, expect, it } from 'vitest';
import type { WebhookSource } from '@/api/webhooks';
import { draftOf, formOf } from './source-form';

const source: WebhookSource = {
  id: 3,
  name: 'TV BTC',
  url: 'http://127.0.0.1:8000/webhooks/abc',
  brokerId: 7,
  brokerName: 'Binance',
  symbol: 'BTC/USDT',
  size: { quantity: '0.001' },
  market: 'spot',
  actions: ['buy', 'close'],
  passphraseSet: true,
  ipAllowlist: true,
  replayWindowS: 300,
  dedupeWindowS: 60,
  active: true,
  templates: { aristobot: '{}', tradingview: '{}' },
  createdAt: '2026-12-01T10:00:00.000Z',
};

describe('webhook source form', () => {
  it('shows a French size with a comma and sends it with a dot', () => {
    const form = formOf(source, null, 'fr');
    expect(form.sizeValue).toBe('0,001');
    const result = draftOf({ ...form, sizeValue: '0,0025' }, 'fr', true);
    expect(result).toEqual({
      draft: expect.objectContaining({ size: { quantity: '0.0025' }, brokerId: 7, replayWindowS: 300 }),
    });
  });

  it('keeps the stored passphrase on an edit unless one is typed or it is cleared', () => {
    const form = formOf(source, null, 'en');
    const kept = draftOf(form, 'en', true);
    expect('draft' in kept && 'passphrase' in kept.draft).toBe(false);
    expect(draftOf({ ...form, passphrase: 'new secret' }, 'en', true)).toMatchObject({
      draft: { passphrase: 'new secret' },
    });
    expect(draftOf({ ...form, clearPassphrase: true, passphrase: 'ignored' }, 'en', true)).toMatchObject({
      draft: { passphrase: null },
    });
  });

  it('names the field of a size or a window that is not a number, before asking the server', () => {
    const form = formOf(undefined, 2, 'fr');
    expect(form).toMatchObject({ brokerId: 2, sizeKind: 'none', actions: ['buy', 'sell', 'close'] });
    expect(draftOf({ ...form, sizeKind: 'percent', sizeValue: 'dix' }, 'fr', false)).toEqual({
      problem: { field: 'size', message: 'sizeNumber' },
    });
    expect(draftOf({ ...form, replayWindowS: '1,5' }, 'fr', false)).toEqual({
      problem: { field: 'replayWindowS', message: 'secondsNumber' },
    });
    expect(draftOf({ ...form, dedupeWindowS: '' }, 'fr', false)).toEqual({
      problem: { field: 'dedupeWindowS', message: 'secondsNumber' },
    });
  });

  it('sends no size and no replay window when none is chosen, and no passphrase on a create left empty', () => {
    const result = draftOf({ ...formOf(undefined, 2, 'en'), name: 'x', symbol: '  ' }, 'en', false);
    expect(result).toEqual({
      draft: expect.objectContaining({ size: null, replayWindowS: null, symbol: null, passphrase: null }),
    });
  });
});
