import { Router } from 'express';
import { findByUsername, toPublicUser } from '../../core/auth/users.service';
import { DebugMode } from '../../core/db/models';
import { ForbiddenError, NotFoundError } from '../../core/errors';
import { debugModeActive } from '../../core/status';
import { parse } from '../../core/validation';
import type { AppDeps } from '../context';
import { signIn } from '../auth.middleware';
import { csrfToken } from '../security';
import type { DebugState, DebugSwitched } from './auth-views';
import { debugSwitchSchema } from './debug-fields';

export const DEBUG_USERNAME = 'dev';

/**
 * Debug mode ("Mode développement"): only when DEBUG_ARISTOBOT=true. Turning it on stores ON in the singleton and
 * signs in as the normal user `dev`, so an agent driving a browser can get in without typing. With
 * DEBUG_ARISTOBOT=false the switch does not exist and this is the only route that could sign in as `dev` without
 * a password, so it refuses.
 */
export function debugRoutes(deps: AppDeps): Router {
  const router = Router();
  const available = deps.config.DEBUG_ARISTOBOT;

  router.get('/', async (_req, res) => {
    res.json({ available, active: available && (await debugModeActive(deps.db)) } satisfies DebugState);
  });

  router.post('/', async (req, res) => {
    if (!available) {
      throw new ForbiddenError(
        "Le mode développement n'est pas disponible (DEBUG_ARISTOBOT n'est pas à true)",
        'DEBUG_UNAVAILABLE',
      );
    }
    const { active } = parse(debugSwitchSchema, req.body, { active: 'Mode développement' });
    if (!active) {
      await DebugMode.query().findById(1).patch({ is_active: false });
      await deps.publisher.publish('status:changed', { reason: 'debug' }, 'all');
      return res.json({ available, active: false } satisfies DebugSwitched);
    }
    const dev = await findByUsername(DEBUG_USERNAME);
    if (!dev) throw new NotFoundError("L'utilisateur « dev » n'existe pas : lancez npm run init", 'DEBUG_USER_MISSING');
    await DebugMode.query().findById(1).patch({ is_active: true });
    await signIn(req, dev.id);
    await deps.publisher.publish('status:changed', { reason: 'debug' }, 'all');
    res.json({
      available,
      active: true,
      user: toPublicUser(dev),
      csrfToken: csrfToken(deps.config, req, res),
    } satisfies DebugSwitched);
  });

  return router;
}

/** At start: without DEBUG_ARISTOBOT the stored flag goes back to OFF, for safety. */
export async function resetDebugModeUnlessAvailable(deps: Pick<AppDeps, 'config'>): Promise<void> {
  if (!deps.config.DEBUG_ARISTOBOT) await DebugMode.query().findById(1).patch({ is_active: false });
}
