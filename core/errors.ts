/**
 * The one error tree. Each class says what happens next; HTTP status codes are chosen only by the error handler in
 * `http/`, from the class. Messages are in French, for people; codes are stable, for programs.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input from the user: shown next to the field, nothing is written. */
export class ValidationError extends AppError {
  constructor(message: string, field?: string, code = 'VALIDATION_ERROR') {
    super(code, message, field);
  }
}

/** Not signed in (or wrong credentials): the user signs in again. */
export class AuthenticationError extends AppError {
  constructor(message = 'Authentification requise', code = 'AUTH_REQUIRED') {
    super(code, message);
  }
}

/** Signed in but not allowed: nothing to retry. */
export class ForbiddenError extends AppError {
  constructor(message = 'Accès refusé', code = 'FORBIDDEN') {
    super(code, message);
  }
}

/** The row does not exist for this user — also what another user's row looks like, so its existence never leaks. */
export class NotFoundError extends AppError {
  constructor(message = 'Introuvable', code = 'NOT_FOUND') {
    super(code, message);
  }
}

/** The request conflicts with existing data (a name already taken): the user changes the input. */
export class ConflictError extends AppError {
  constructor(message: string, field?: string, code = 'CONFLICT') {
    super(code, message, field);
  }
}

/** Too many attempts: the user waits before trying again. */
export class RateLimitError extends AppError {
  constructor(message = 'Trop de tentatives, réessayez plus tard', code = 'RATE_LIMITED') {
    super(code, message);
  }
}

/** What went wrong at a service we call (an exchange, an AI provider); it decides what the user can do next. */
export type UpstreamFailure = 'auth' | 'rejected' | 'not_found' | 'rate_limited' | 'unavailable' | 'timeout' | 'error';

/** A refusal or failure of an outside service, told in the user's terms; the HTTP status follows `failure`. */
export class UpstreamError extends AppError {
  constructor(
    code: string,
    message: string,
    readonly failure: UpstreamFailure,
    field?: string,
  ) {
    super(code, message, field);
  }
}
