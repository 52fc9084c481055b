import { csrfSync } from 'csrf-sync';
import type { Request, RequestHandler } from 'express';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { Config } from '../core/config';
import { RateLimitError } from '../core/errors';
import type { Redis } from '../core/redis';

/**
 * CSRF: a synchronizer token kept in the session, sent back by the browser in `X-CSRF-Token` on every
 * state-changing request (GET /api/auth/csrf gives it). SameSite cookies are the second line.
 */
export const csrf = csrfSync({
  getTokenFromRequest: (req: Request) => req.get('x-csrf-token'),
});

/**
 * Failed logins per IP and username (successful ones are not counted). Counters live in Redis so that every web
 * process shares them.
 */
export function loginRateLimit(config: Config, redis: Redis): RequestHandler {
  return rateLimit({
    windowMs: config.LOGIN_WINDOW_SECONDS * 1000,
    limit: config.LOGIN_MAX_ATTEMPTS,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => {
      const name = typeof req.body?.username === 'string' ? req.body.username.trim().toLowerCase() : '';
      return `${ipKeyGenerator(req.ip ?? 'unknown')}:${name}`;
    },
    store: new RedisStore({
      prefix: `${config.QUEUE_PREFIX}:login-limit:`,
      sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<RedisReply>,
    }),
    handler: (_req, _res, next) => {
      next(
        new RateLimitError('Trop de tentatives de connexion : réessayez dans quelques minutes', 'LOGIN_RATE_LIMITED'),
      );
    },
  });
}
