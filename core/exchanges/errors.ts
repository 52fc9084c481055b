import ccxt from 'ccxt';
import { AppError, UpstreamError, type UpstreamFailure } from '../errors';

export type ExchangeFailure = UpstreamFailure;

/** Exchange failures, with stable codes and French messages; mapped once, where ccxt is called. */
export class ExchangeError extends UpstreamError {
  toJSON() {
    return { code: this.code, message: this.message, failure: this.failure, field: this.field };
  }

  static fromJSON(data: { code: string; message: string; failure: ExchangeFailure; field?: string }): ExchangeError {
    return new ExchangeError(data.code, data.message, data.failure, data.field);
  }
}

/**
 * Turns a ccxt exception into ours. ccxt's classes form a tree (AuthenticationError, InsufficientFunds,
 * InvalidOrder, RateLimitExceeded, NetworkError…): the most specific match wins.
 */
export function mapExchangeError(error: unknown, exchangeName: string): AppError {
  if (error instanceof AppError) return error;
  const detail = cleanMessage(error);
  // Order matters: subclasses before their parents (OrderNotFound and InsufficientFunds are InvalidOrder/ExchangeError).
  const cases: [new (...args: never[]) => Error, ExchangeFailure, string, string][] = [
    [ccxt.AuthenticationError, 'auth', 'EXCHANGE_AUTH_FAILED', `Erreur de connexion à ${exchangeName} : ${detail}`],
    [ccxt.PermissionDenied, 'auth', 'EXCHANGE_PERMISSION_DENIED', `Permission refusée par ${exchangeName} : ${detail}`],
    [ccxt.InsufficientFunds, 'rejected', 'INSUFFICIENT_FUNDS', `Fonds insuffisants sur ${exchangeName} : ${detail}`],
    [ccxt.OrderNotFound, 'not_found', 'ORDER_NOT_FOUND', `Ordre introuvable sur ${exchangeName} : ${detail}`],
    [ccxt.InvalidOrder, 'rejected', 'INVALID_ORDER', `Ordre refusé par ${exchangeName} : ${detail}`],
    [ccxt.BadSymbol, 'rejected', 'BAD_SYMBOL', `Paire inconnue sur ${exchangeName} : ${detail}`],
    [
      ccxt.RateLimitExceeded,
      'rate_limited',
      'EXCHANGE_RATE_LIMITED',
      `${exchangeName} limite les requêtes, réessayez plus tard : ${detail}`,
    ],
    [ccxt.RequestTimeout, 'timeout', 'EXCHANGE_TIMEOUT', `${exchangeName} ne répond pas : ${detail}`],
    [ccxt.NetworkError, 'unavailable', 'EXCHANGE_UNAVAILABLE', `${exchangeName} est injoignable : ${detail}`],
  ];
  for (const [type, failure, code, message] of cases) {
    if (error instanceof type) return new ExchangeError(code, message, failure);
  }
  return new ExchangeError('EXCHANGE_ERROR', `Erreur de ${exchangeName} : ${detail}`, 'error');
}

/** ccxt prefixes messages with the exchange id and often embeds the JSON reply: keep the exchange's own words. */
function cleanMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const json = raw.match(/\{.*\}/s)?.[0];
  if (json) {
    try {
      const body = JSON.parse(json) as { msg?: string; message?: string };
      if (body.msg || body.message) return String(body.msg ?? body.message);
    } catch {
      /* not JSON after all */
    }
  }
  return raw.replace(/^\w+\s+/, '');
}
