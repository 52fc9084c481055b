import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit, ipKeyGenerator, type Options } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import { USERNAME_KEY_MAX_LENGTH, usernameKey } from '../core/auth/username-key';
import type { Config } from '../core/config';
import { ForbiddenError, RateLimitError } from '../core/errors';
import type { Redis } from '../core/redis';

/** Holds an anonymous visitor's CSRF nonce, so that no session row is stored for someone who has not signed in. */
export const CSRF_COOKIE = 'aristobot.csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const NONCE = /^[A-Za-z0-9_-]{43}$/;

function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** A key of its own for CSRF tokens, derived from SECRET_KEY, which also signs the session cookie. */
function csrfKey(config: Config): Buffer {
  return createHmac('sha256', config.SECRET_KEY).update('aristobot csrf v1').digest();
}

/**
 * What a request's token is bound to: the session of a signed-in user (its id is secret, in an httpOnly cookie),
 * or an anonymous visitor's nonce cookie.
 */
function binding(req: Request): string | undefined {
  if (req.session?.userId) return `session:${req.sessionID}`;
  const nonce = cookieValue(req, CSRF_COOKIE);
  return nonce && NONCE.test(nonce) ? `anonymous:${nonce}` : undefined;
}

function sign(key: Buffer, bound: string): string {
  return createHmac('sha256', key).update(bound).digest('base64url');
}

/**
 * The CSRF token the browser sends back in `X-CSRF-Token` on every state-changing request (GET /api/auth/csrf
 * gives it; sign-in answers carry the new session's). It is an HMAC of what the request is bound to, so nothing is
 * stored: an anonymous visitor gets a random nonce in an httpOnly cookie (a signed double-submit), a signed-in user's
 * token is tied to the session id. SameSite cookies are the second line.
 */
export function csrfToken(config: Config, req: Request, res: Response): string {
  let bound = binding(req);
  if (!bound) {
    const nonce = randomBytes(32).toString('base64url');
    res.cookie(CSRF_COOKIE, nonce, { httpOnly: true, sameSite: 'lax', secure: config.COOKIE_SECURE, path: '/' });
    bound = `anonymous:${nonce}`;
  }
  return sign(csrfKey(config), bound);
}

/**
 * Whether the browser says the request comes from a page of this origin: `Sec-Fetch-Site: same-origin`, or an
 * `Origin` naming this host. Browsers set both on every cross-site POST/PUT/DELETE, and pages cannot forge them.
 */
function sameOrigin(req: Request): boolean {
  const site = req.get('sec-fetch-site');
  if (site) return site === 'same-origin';
  const origin = req.get('origin');
  if (!origin) return false;
  try {
    return new URL(origin).host === req.get('host');
  } catch {
    return false;
  }
}

/**
 * Refuses a state-changing request whose `X-CSRF-Token` is not the token of its session or nonce cookie. Bull
 * Board's own page cannot send our header: its buttons (retry, clean) are taken when the browser says they come
 * from this origin (the board also needs an admin session).
 */
export function csrfProtection(config: Config, exemptSameOrigin: string[] = []): RequestHandler {
  const key = csrfKey(config);
  return (req: Request, _res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method)) return next();
    if (exemptSameOrigin.some((path) => req.path.startsWith(`${path}/`)) && sameOrigin(req)) return next();
    const given = Buffer.from(req.get('x-csrf-token') ?? '');
    const bound = binding(req);
    const expected = bound ? Buffer.from(sign(key, bound)) : undefined;
    if (!expected || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return next(new ForbiddenError('Jeton CSRF manquant ou invalide : rechargez la page', 'CSRF_INVALID'));
    }
    next();
  };
}

/** Counters in Redis, so that every web process shares them. */
function limiter(
  config: Config,
  redis: Redis,
  name: string,
  options: Pick<Options, 'windowMs' | 'limit' | 'keyGenerator'> & Partial<Options>,
  error: () => RateLimitError,
): RequestHandler {
  return rateLimit({
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store: new RedisStore({
      prefix: `${config.QUEUE_PREFIX}:${name}:`,
      sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply>,
    }),
    handler: (_req, _res, next) => next(error()),
    ...options,
  });
}

/**
 * The username part of a login limiter key: the name folded exactly as the lookup folds it
 * (core/auth/username-key.ts), so any spelling that reaches an account shares that account's counter, then hashed,
 * so that a key has the same small size whatever was typed (they stay in Redis for the window, which never evicts).
 * A missing or over-long name is never folded (folding can take time quadratic in its length): all of them share
 * one counter, and the login schema refuses them anyway.
 */
function loginNameKey(username: unknown): string {
  if (typeof username !== 'string' || username.trim().length > USERNAME_KEY_MAX_LENGTH) return 'invalid';
  return createHash('sha256').update(usernameKey(username)).digest('base64url');
}

const loginRefused = () =>
  new RateLimitError('Trop de tentatives de connexion : réessayez dans quelques minutes', 'LOGIN_RATE_LIMITED');

/**
 * Failed logins (successful ones are not counted): LOGIN_MAX_ATTEMPTS per IP and username, and LOGIN_MAX_PER_IP per
 * IP whatever the names, so that one address cannot spray a few guesses over many names.
 */
export function loginRateLimit(config: Config, redis: Redis): RequestHandler {
  const windowMs = config.LOGIN_WINDOW_SECONDS * 1000;
  const ip = (req: Request) => ipKeyGenerator(req.ip ?? 'unknown');
  const perIp = limiter(
    config,
    redis,
    'login-ip-limit',
    { windowMs, limit: config.LOGIN_MAX_PER_IP, skipSuccessfulRequests: true, keyGenerator: ip },
    loginRefused,
  );
  const perName = limiter(
    config,
    redis,
    'login-limit',
    {
      windowMs,
      limit: config.LOGIN_MAX_ATTEMPTS,
      skipSuccessfulRequests: true,
      keyGenerator: (req) => `${ip(req)}:${loginNameKey(req.body?.username)}`,
    },
    loginRefused,
  );
  return (req, res, next) => perIp(req, res, (error?: unknown) => (error ? next(error) : perName(req, res, next)));
}

/**
 * Failed password changes per user, with the login limits: a wrong current password is a guess like a failed
 * login. Keyed by the account alone, since only a holder of its session can try (after requireUser).
 */
export function passwordChangeRateLimit(config: Config, redis: Redis): RequestHandler {
  return limiter(
    config,
    redis,
    'password-limit',
    {
      windowMs: config.LOGIN_WINDOW_SECONDS * 1000,
      limit: config.LOGIN_MAX_ATTEMPTS,
      skipSuccessfulRequests: true,
      keyGenerator: (_req, res) => `user:${(res.locals.user as { id: number }).id}`,
    },
    () =>
      new RateLimitError(
        'Trop de tentatives de changement de mot de passe : réessayez dans quelques minutes',
        'PASSWORD_RATE_LIMITED',
      ),
  );
}

/** Accounts created per IP and hour (REGISTER_MAX_PER_HOUR); refused attempts (name taken, bad input) do not count. */
export function registerRateLimit(config: Config, redis: Redis): RequestHandler {
  return limiter(
    config,
    redis,
    'register-limit',
    {
      windowMs: 3600 * 1000,
      limit: config.REGISTER_MAX_PER_HOUR,
      skipFailedRequests: true,
      keyGenerator: (req) => ipKeyGenerator(req.ip ?? 'unknown'),
    },
    () =>
      new RateLimitError(
        'Trop de comptes créés depuis cette adresse : réessayez dans une heure',
        'REGISTER_RATE_LIMITED',
      ),
  );
}
