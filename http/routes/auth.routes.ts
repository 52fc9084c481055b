import { Router } from 'express';
import { authenticate, changePassword, register, toPublicUser, updatePreferences } from '../../core/auth/users.service';
import type { AppDeps } from '../context';
import { currentUser, requireUser, signIn, signOut } from '../auth.middleware';
import { csrfToken, loginRateLimit, passwordChangeRateLimit, registerRateLimit } from '../security';
import type { PasswordChanged, SignedIn, UserReply } from './auth-views';

/** Sign-in, sign-out, registration, password and display preferences. */
export function authRoutes(deps: AppDeps): Router {
  const router = Router();
  const { config } = deps;

  router.get('/csrf', (req, res) => {
    res.json({ token: csrfToken(config, req, res) });
  });

  router.post('/register', registerRateLimit(config, deps.redis), async (req, res) => {
    const user = await register(req.body, { paperStartingUsdt: config.PAPER_STARTING_BALANCE_USDT });
    await signIn(req, user.id);
    res.status(201).json({ user: toPublicUser(user), csrfToken: csrfToken(config, req, res) } satisfies SignedIn);
  });

  router.post('/login', loginRateLimit(config, deps.redis), async (req, res) => {
    const user = await authenticate(req.body);
    await signIn(req, user.id);
    req.log?.info({ userId: user.id }, 'login');
    res.json({ user: toPublicUser(user), csrfToken: csrfToken(config, req, res) } satisfies SignedIn);
  });

  router.post('/logout', async (req, res) => {
    await signOut(req);
    res.status(204).end();
  });

  router.get('/me', requireUser, (_req, res) => {
    res.json({ user: toPublicUser(currentUser(res)) } satisfies UserReply);
  });

  router.post('/password', requireUser, passwordChangeRateLimit(config, deps.redis), async (req, res) => {
    const user = currentUser(res);
    await changePassword(user, req.body);
    // Every other session of this user ends: a changed password locks out whoever else held one.
    const { rows } = await deps.db.raw<{ rows: { sid: string }[] }>(
      `DELETE FROM sessions WHERE (sess->>'userId')::bigint = ? AND sid <> ? RETURNING sid`,
      [user.id, req.sessionID],
    );
    await deps.publisher.endSessions(rows.map((row) => row.sid));
    // This browser goes on in a new session, so that a copy of its old cookie is worthless too.
    await signIn(req, user.id);
    res.json({ csrfToken: csrfToken(config, req, res) } satisfies PasswordChanged);
  });

  router.put('/preferences', requireUser, async (req, res) => {
    const user = await updatePreferences(currentUser(res), req.body);
    const publicUser = toPublicUser(user);
    await deps.publisher.publish(
      'account:updated',
      { theme: publicUser.theme, displayTimezone: publicUser.displayTimezone, language: publicUser.language },
      { userId: user.id },
    );
    res.json({ user: publicUser } satisfies UserReply);
  });

  return router;
}
