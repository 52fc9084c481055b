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

/** Every error becomes `{error: {code, message, field?}}`; unexpected ones are logged and told apart from input errors. */
export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  let appError: AppError;
  let status: number;
  const raw = error as { code?: string; type?: string; status?: number; message?: string };
  if (error instanceof AppError) {
    appError = error;
    status = statusOf(error);
  } else if (raw.code === 'EBADCSRFTOKEN' || (raw.status === 403 && /csrf/i.test(raw.message ?? ''))) {
    appError = new ForbiddenError('Jeton CSRF manquant ou invalide : rechargez la page', 'CSRF_INVALID');
    status = 403;
  } else if (raw.type === 'entity.parse.failed') {
    appError = new ValidationError('Corps de requête JSON invalide', undefined, 'INVALID_JSON');
    status = 400;
  } else if (raw.type === 'entity.too.large') {
    appError = new ValidationError('Requête trop volumineuse', undefined, 'PAYLOAD_TOO_LARGE');
    status = 413;
  } else {
    req.log?.error({ err: error }, 'unhandled error');
    appError = new AppError('INTERNAL_ERROR', 'Erreur interne du serveur');
    status = 500;
  }
  if (status >= 500 && error instanceof AppError) req.log?.error({ err: error }, 'server error');
  res.status(status).json({
    error: { code: appError.code, message: appError.message, ...(appError.field ? { field: appError.field } : {}) },
  });
};
