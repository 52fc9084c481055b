// The server names the paper exchange and the credential fields in French; the page shows them in the user's
// language by id, so its French must stay the server's and every field the server may ask for needs an English label.
import { describe, expect, it } from 'vitest';
import { CREDENTIAL_LABELS } from '@core/exchanges/credential-labels';
import { credentialLabel, exchangeName } from './exchange-labels';
import { en, fr, type MessageKey } from './messages';

const translate =
  (messages: Record<MessageKey, string>) =>
  (key: MessageKey): string =>
    messages[key];

describe('exchange and credential labels', () => {
  it("names the paper exchange in the user's language, the others as ccxt does", () => {
    expect(exchangeName('paper', 'Paper trading (simulé)', translate(en))).toBe('Paper trading (simulated)');
    expect(exchangeName('paper', 'Paper trading (simulé)', translate(fr))).toBe('Paper trading (simulé)');
    expect(exchangeName('binance', 'Binance', translate(en))).toBe('Binance');
  });

  it("labels every credential field the server knows, in French as the server's messages do", () => {
    for (const [field, french] of Object.entries(CREDENTIAL_LABELS)) {
      expect(credentialLabel(field, translate(fr))).toBe(french);
      expect(credentialLabel(field, translate(en))).not.toBe(`credential.${field}`);
    }
    expect(credentialLabel('apiKey', translate(en))).toBe('API key');
    expect(credentialLabel('privateKey', translate(en))).toBe('Private key');
    // A field ccxt adds later shows under its own name rather than as a missing message.
    expect(credentialLabel('newField', translate(en))).toBe('newField');
  });
});
