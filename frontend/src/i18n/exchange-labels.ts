import { isMessageKey, type MessageKey } from './messages';

type Translate = (key: MessageKey) => string;

/** The simulated exchange's id (core/exchanges/catalog.ts's PAPER, which the page does not import: it pulls ccxt). */
const PAPER = 'paper';

/**
 * An exchange's name for the user: the paper exchange's in their language (the server stores and sends the French
 * one), every other as ccxt names it.
 */
export function exchangeName(id: string, name: string, t: Translate): string {
  return id === PAPER ? t('exchange.paper') : name;
}

/** A ccxt credential field's label in the user's language ("apiKey" → "Clé API" / "API key"), else its ccxt name. */
export function credentialLabel(field: string, t: Translate): string {
  const key = `credential.${field}`;
  return isMessageKey(key) ? t(key) : field;
}
