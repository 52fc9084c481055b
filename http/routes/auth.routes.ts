import { Router } from 'express';
import { authenticate, changePassword, register, toPublicUser, updatePreferences } from '../../core/auth/users.service';
import type { AppDeps } from '../context';
import { currentUser, requireUser, signIn, signOut } from '../auth.middleware';
import { csrf, loginRateLimit } from '../security';

/** Sign-in, sign-out, registration, password and display preferences. */
export function authRoutes(deps: AppDeps): Router {
  const router = Router();

  router.get('/csrf', (req, res) => {
    res.json({ token: csrf.generateToken(req) });
  });

  router.post('/register', async (req, res) => {
    const user = await register(req.body, { paperStartingUsdt: deps.config.PAPER_STARTING_BALANCE_USDT });
    await signIn(req, user.id);
    res.status(201).json({ user: toPublicUser(user), csrfToken: csrf.generateToken(req, true) });
  });

  router.post('/login', loginRateLimit(deps.config, deps.redis), async (req, res) => {
    const user = await authenticate(req.body);
    await signIn(req, user.id);
    req.log?.info({ userId: user.id }, 'login');
    res.json({ user: toPublicUser(user), csrfToken: csrf.generateToken(req, true) });
  });

  router.post('/logout', async (req, res) => {
    await signOut(req);
    res.status(204).end();
  });

  router.get('/me', requireUser, (_req, res) => {
    res.json({ user: toPublicUser(currentUser(res)) });
  });

  router.post('/password', requireUser, async (req, res) => {
    const user = currentUser(res);
    await changePassword(user, req.body);
    // Every other session of this user ends: a changed password locks out whoever else held one.
    await deps.db.raw(`DELETE FROM sessions WHERE (sess->>'userId')::bigint = ? AND sid <> ?`, [
      user.id,
      req.sessionID,
    ]);
    res.status(204).end();
  });

  router.put('/preferences', requireUser, async (req, res) => {
    const user = await updatePreferences(currentUser(res), req.body);
    const publicUser = toPublicUser(user);
    await deps.publisher.publish(
      'account:updated',
      { theme: publicUser.theme, displayTimezone: publicUser.displayTimezone, language: publicUser.language },
      { userId: user.id },
    );
    res.json({ user: publicUser });
  });

  return router;
}
