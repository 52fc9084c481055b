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

/** How often an active session's expiry is pushed back in the store; the cookie itself rolls on every answer. */
const TOUCH_EVERY_MS = 60_000;

/**
 * With `rolling`, express-session touches the store on every request and holds the answer until the write is done:
 * one UPDATE per API call, on the path of every order. Once a minute per session keeps an active session alive
 * just as well (sessions last hours).
 */
function throttleTouches(store: session.Store): void {
  const touch = store.touch?.bind(store);
  if (!touch) return;
  const last = new Map<string, number>();
  store.touch = (sid, sess, callback) => {
    const now = Date.now();
    if (now - (last.get(sid) ?? 0) < TOUCH_EVERY_MS) return callback?.();
    if (last.size > 10_000) last.clear();
    last.set(sid, now);
    touch(sid, sess, callback);
  };
}

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
  throttleTouches(store);
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
