import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import type { RequestHandler } from 'express';
import type { Config } from '../core/config';

declare module 'express-session' {
  interface SessionData {
    userId?: number;
  }
}

export const SESSION_COOKIE = 'aristobot.sid';

/**
 * Sessions in PostgreSQL (table `sessions`), in an httpOnly SameSite=Lax cookie signed with SECRET_KEY. Socket.IO
 * reuses this middleware to authenticate browsers.
 */
export function sessionMiddleware(config: Config): { middleware: RequestHandler; close(): Promise<void> } {
  const PgStore = connectPgSimple(session);
  const store = new PgStore({
    conString: config.DATABASE_URL,
    tableName: 'sessions',
    createTableIfMissing: false,
    pruneSessionInterval: 3600,
  });
  const middleware = session({
    name: SESSION_COOKIE,
    secret: config.SECRET_KEY,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.COOKIE_SECURE,
      maxAge: config.SESSION_MAX_AGE_HOURS * 3600 * 1000,
    },
  });
  return { middleware, close: async () => store.close() };
}
