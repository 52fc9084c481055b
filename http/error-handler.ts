import type { ErrorRequestHandler, RequestHandler } from 'express';
import {
  AppError,
  AuthenticationError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitError,
  UpstreamError,
  ValidationError,
  type UpstreamFailure,
} from '../core/errors';

// An exchange or AI provider refusing the user's API key is bad input to us (400), not an expired session (401).
const UPSTREAM_STATUS: Record<UpstreamFailure, number> = {
  auth: 400,
  rejected: 400,
  not_found: 404,
  rate_limited: 429,
  unavailable: 503,
  timeout: 504,
  error: 502,
};

/** HTTP status codes live here and nowhere else. */
function statusOf(error: AppError): number {
  if (error instanceof ValidationError) return 400;
  if (error instanceof AuthenticationError) return 401;
  if (error instanceof ForbiddenError) return 403;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  if (error instanceof RateLimitError) return 429;
  if (error instanceof UpstreamError) return UPSTREAM_STATUS[error.failure];
  return 500;
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new NotFoundError(`Route inconnue : ${req.method} ${req.path}`, 'ROUTE_NOT_FOUND'));
};

/**
 * Errors of the HTTP layer itself (body parser, path decoding) that are the client's doing, by their `type`; any
 * other 4xx they carry gets a generic message. Their own messages are English and may quote the input.
 */
const HTTP_INPUT_ERRORS: Record<string, [string, string]> = {
  'entity.parse.failed': ['INVALID_JSON', 'Corps de requête JSON invalide'],
  'entity.too.large': ['PAYLOAD_TOO_LARGE', 'Requête trop volumineuse'],
  'charset.unsupported': ['UNSUPPORTED_MEDIA_TYPE', 'Jeu de caractères non pris en charge : envoyez du JSON en UTF-8'],
  'encoding.unsupported': ['UNSUPPORTED_MEDIA_TYPE', 'Encodage du corps non pris en charge'],
  'parameters.too.many': ['PAYLOAD_TOO_LARGE', 'Trop de paramètres'],
};

/**
 * Every error becomes `{error: {code, message, field?}}`; unexpected ones are logged and told apart from input
 * errors. A 5xx never says more than its code and a French message, plus the request id that finds its log line
 * (and the cause: SQL, stack, an upstream's words); the client never sees those.
 */
export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  let appError: AppError;
  let status: number;
  const raw = (error ?? {}) as { code?: string; type?: string; status?: number; message?: string };
  const rawStatus = Number(raw.status);
  if (error instanceof AppError) {
    appError = error;
    status = statusOf(error);
  } else if (raw.code === 'EBADCSRFTOKEN' || (raw.status === 403 && /csrf/i.test(raw.message ?? ''))) {
    appError = new ForbiddenError('Jeton CSRF manquant ou invalide : rechargez la page', 'CSRF_INVALID');
    status = 403;
  } else if (rawStatus >= 400 && rawStatus < 500) {
    const [code, message] = HTTP_INPUT_ERRORS[raw.type ?? ''] ?? ['BAD_REQUEST', 'Requête invalide'];
    appError = new ValidationError(message, undefined, code);
    status = rawStatus;
  } else {
    req.log?.error({ err: error }, 'unhandled error');
    appError = new AppError('INTERNAL_ERROR', 'Erreur interne du serveur');
    status = 500;
  }
  if (status >= 500 && error instanceof AppError) req.log?.error({ err: error }, 'server error');
  res.status(status).json({
    error: {
      code: appError.code,
      message: appError.message,
      ...(appError.field ? { field: appError.field } : {}),
      ...(status >= 500 && req.id !== undefined ? { requestId: String(req.id) } : {}),
    },
  });
};
