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
 *
 * The user reads our French sentence and, after it, only what the exchange itself said in its error body. The rest
 * of ccxt's message is for the logs (kept as `cause`): it names the method and the URL with its signature, and for a
 * network failure the address and socket error of whatever could not be reached.
 */
export function mapExchangeError(error: unknown, exchangeName: string): AppError {
  if (error instanceof AppError) return error;
  const said = exchangeWords(error);
  const detail = said ? ` : ${said}` : '';
  // Order matters: subclasses before their parents (OrderNotFound and InsufficientFunds are InvalidOrder/ExchangeError).
  const cases: [new (...args: never[]) => Error, ExchangeFailure, string, string][] = [
    [ccxt.AuthenticationError, 'auth', 'EXCHANGE_AUTH_FAILED', `Erreur de connexion à ${exchangeName}${detail}`],
    [ccxt.PermissionDenied, 'auth', 'EXCHANGE_PERMISSION_DENIED', `Permission refusée par ${exchangeName}${detail}`],
    [ccxt.InsufficientFunds, 'rejected', 'INSUFFICIENT_FUNDS', `Fonds insuffisants sur ${exchangeName}${detail}`],
    [ccxt.OrderNotFound, 'not_found', 'ORDER_NOT_FOUND', `Ordre introuvable sur ${exchangeName}${detail}`],
    [ccxt.InvalidOrder, 'rejected', 'INVALID_ORDER', `Ordre refusé par ${exchangeName}${detail}`],
    [ccxt.BadSymbol, 'rejected', 'BAD_SYMBOL', `Paire inconnue sur ${exchangeName}${detail}`],
    [
      ccxt.RateLimitExceeded,
      'rate_limited',
      'EXCHANGE_RATE_LIMITED',
      `${exchangeName} limite les requêtes, réessayez plus tard${detail}`,
    ],
    // Nothing of the exchange's: what failed is the way to it.
    [ccxt.RequestTimeout, 'timeout', 'EXCHANGE_TIMEOUT', `${exchangeName} ne répond pas, réessayez plus tard`],
    [ccxt.NetworkError, 'unavailable', 'EXCHANGE_UNAVAILABLE', `${exchangeName} est injoignable, réessayez plus tard`],
  ];
  const [, failure, code, message] = cases.find(([type]) => error instanceof type) ?? [
    Error,
    'error',
    'EXCHANGE_ERROR',
    `Erreur de ${exchangeName}${detail}`,
  ];
  const mapped = new ExchangeError(code, message, failure);
  mapped.cause = error;
  return mapped;
}

/** The exchange's own words: the `msg` (or `message`) of the JSON error body ccxt embeds in its message, if any. */
function exchangeWords(error: unknown): string | undefined {
  const raw = error instanceof Error ? error.message : String(error);
  const json = raw.match(/\{.*\}/s)?.[0];
  if (!json) return undefined;
  try {
    const body = JSON.parse(json) as { msg?: unknown; message?: unknown };
    const said = body.msg ?? body.message;
    return typeof said === 'string' && said.trim() ? said.trim().slice(0, 300) : undefined;
  } catch {
    return undefined;
  }
}
