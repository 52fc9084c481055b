import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import type { Request, RequestHandler } from 'express';
import type { Knex } from 'knex';
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

type UserRow = Record<string, unknown>;
const usersOfSessions = new WeakMap<object, UserRow | null>();
const usersOfRequests = new WeakMap<Request, UserRow | null>();

/**
 * Reads the signed-in user's row in the same query as the session: every API call needs both, and the second round
 * trip to PostgreSQL was on the path of every order. The row waits on the request for loadUser.
 */
function readUsersWithSessions(store: session.Store, db: Knex): void {
  store.get = (sid, callback) => {
    db.raw<{ rows: ({ sess: session.SessionData } & UserRow)[] }>(
      `SELECT s.sess, u.* FROM sessions s LEFT JOIN users u ON u.id = (s.sess->>'userId')::bigint
       WHERE s.sid = ? AND s.expire >= now()`,
      [sid],
    ).then(({ rows }) => {
      const row = rows[0];
      if (!row) return callback(null, null);
      const { sess, ...user } = row;
      usersOfSessions.set(sess, user.id === null ? null : user);
      callback(null, sess);
    }, callback);
  };
  const createSession = store.createSession.bind(store);
  store.createSession = (req, sess) => {
    const user = usersOfSessions.get(sess);
    if (user !== undefined) usersOfRequests.set(req, user);
    return createSession(req, sess);
  };
}

/** Reports every session the store destroys (logout, a new sign-in replacing it), so that its sockets are closed. */
function reportDestroys(store: session.Store, onEnded: (sessionIds: string[]) => Promise<void>): void {
  const destroy = store.destroy.bind(store);
  store.destroy = (sid, callback) => {
    destroy(sid, (error?: unknown) => {
      if (error) return callback?.(error);
      onEnded([sid]).then(() => callback?.(), callback);
    });
  };
}

/** The user row read with this request's session: null if its user is gone, undefined if not read that way. */
export function userReadWithSession(req: Request): UserRow | null | undefined {
  return usersOfRequests.get(req);
}

/**
 * Sessions in PostgreSQL (table `sessions`), in an httpOnly SameSite=Lax cookie signed with SECRET_KEY. Socket.IO
 * reuses this middleware to authenticate browsers; `onEnded` hears of each session destroyed. A visitor who has not
 * signed in gets no row (nothing is stored in an anonymous session: its CSRF token lives in a cookie).
 */
export function sessionMiddleware(
  config: Config,
  db: Knex,
  onEnded: (sessionIds: string[]) => Promise<void>,
): { middleware: RequestHandler; close(): Promise<void> } {
  const PgStore = connectPgSimple(session);
  const store = new PgStore({
    conString: config.DATABASE_URL,
    tableName: 'sessions',
    createTableIfMissing: false,
    pruneSessionInterval: 3600,
  });
  throttleTouches(store);
  readUsersWithSessions(store, db);
  reportDestroys(store, onEnded);
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
