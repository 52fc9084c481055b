import { Dec } from '../decimal';
import { DECIMAL_DIGITS } from '../validation';
import { JsonNumber, type JsonValue } from './json-strict';

/** A body the parser refuses; its message, in French and naming the field, is the webhook's reason. */
export class SignalRefusal extends Error {}

export type WebhookAction = 'buy' | 'sell' | 'close';

const ACTIONS: Record<string, WebhookAction> = {
  buy: 'buy',
  long: 'buy',
  sell: 'sell',
  short: 'sell',
  close: 'close',
  exit: 'close',
};

export function actionOf(value: string | null, field: string): WebhookAction {
  if (value === null) throw new SignalRefusal(`${field} : absente (buy, sell, long, short, close ou exit)`);
  const action = ACTIONS[value.trim().toLowerCase()];
  if (!action) {
    throw new SignalRefusal(`${field} : « ${value} » inconnue (buy, sell, long, short, close ou exit attendue)`);
  }
  return action;
}

/** A text field; a number is taken as its text (an `id` of 42). */
export function textOf(value: JsonValue | undefined, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  if (value instanceof JsonNumber) return value.text;
  throw new SignalRefusal(`${field} : texte attendu`);
}

/**
 * A decimal as a plain string (`"1.5e+06"` → `1500000`), from a JSON number's text or a string: never through a
 * float, never more digits than `numeric(36, 18)` holds.
 */
export function decimalOf(
  value: JsonValue | undefined,
  field: string,
  options: { positive?: boolean; signed?: boolean } = { positive: true },
): string | null {
  if (value === undefined || value === null) return null;
  const text = value instanceof JsonNumber ? value.text : typeof value === 'string' ? value.trim() : undefined;
  if (text === undefined || text === '') throw new SignalRefusal(`${field} : nombre attendu`);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
    throw new SignalRefusal(`${field} : « ${text.slice(0, 40)} » n'est pas un nombre`);
  }
  const number = Dec(text);
  if (options.positive && number.lte(0)) throw new SignalRefusal(`${field} : doit être positif`);
  if (!options.signed && number.isNeg()) throw new SignalRefusal(`${field} : doit être positif`);
  const plain = number.toFixed();
  const [integer, fraction = ''] = plain.replace('-', '').split('.');
  if (integer.length > DECIMAL_DIGITS.integer) {
    throw new SignalRefusal(`${field} : ${DECIMAL_DIGITS.integer} chiffres au plus avant la virgule`);
  }
  if (fraction.length > DECIMAL_DIGITS.fraction) {
    throw new SignalRefusal(`${field} : ${DECIMAL_DIGITS.fraction} décimales au plus`);
  }
  return plain;
}

/** A TradingView placeholder left as written (`{{close}}`): the alert was sent before TradingView filled it in. */
export const PLACEHOLDER = /\{\{[^{}]{0,60}\}\}/;

export function placeholderRefusal(placeholder: string): SignalRefusal {
  return new SignalRefusal(
    `placeholder TradingView non remplacé : ${placeholder} (le message est un modèle ; TradingView ne le remplit que dans une alerte qui le connaît)`,
  );
}

/** The first placeholder in a parsed body's strings, if any. */
export function firstPlaceholder(value: JsonValue): string | null {
  if (typeof value === 'string') return PLACEHOLDER.exec(value)?.[0] ?? null;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = firstPlaceholder(item);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object' && !(value instanceof JsonNumber)) {
    return firstPlaceholder(Object.values(value));
  }
  return null;
}
