import type { Response } from 'express';
import { Router } from 'express';
import { AiClient, type AiConnection } from '../../core/ai/ai-client';
import { activeConnection, connectionForModels, saveAiSettings, toPublicAiSettings } from '../../core/ai/ai-settings';
import { proposalSchema, proposeStrategy } from '../../core/ai/strategy-assistant';
import { validationLimits } from '../../core/sandbox/limits';
import { validateInPool } from '../../core/sandbox/sandbox-pool-tasks';
import { parse } from '../../core/validation';
import type { AppDeps } from '../context';
import { currentUser } from '../auth.middleware';

/**
 * Aborts the provider call when the browser gives up (closed tab, "Annuler"), and in any case after AI_TIMEOUT_MS
 * for the whole request, repairs included.
 */
function requestSignal(res: Response, timeoutMs: number): AbortSignal {
  const gone = new AbortController();
  res.on('close', () => {
    if (!res.writableEnded) gone.abort();
  });
  return AbortSignal.any([gone.signal, AbortSignal.timeout(timeoutMs)]);
}

/** The signed-in user's AI assistant: its settings (Mon Compte), the provider's models, and strategy proposals. */
export function aiRoutes(deps: AppDeps): Router {
  const router = Router();
  const secret = deps.config.SECRET_KEY;
  const allowedHosts = deps.config.AI_ALLOWED_HOSTS;
  const sandbox = deps.sandbox!;
  const client = (connection: AiConnection) =>
    new AiClient(connection, {
      openrouterUrl: deps.config.OPENROUTER_URL,
      timeoutMs: deps.config.AI_TIMEOUT_MS,
      allowedHosts,
    });

  router.get('/settings', (_req, res) => {
    res.json(toPublicAiSettings(currentUser(res), secret));
  });

  router.put('/settings', async (req, res) => {
    const user = await saveAiSettings(currentUser(res), req.body, { secret, allowedHosts });
    req.log?.info({ userId: user.id, provider: user.ai_provider, model: user.ai_model }, 'ai settings saved');
    res.json(toPublicAiSettings(user, secret));
  });

  /** POST, not GET: the request may carry a key the user has just typed, which must not sit in a URL or a log. */
  router.post('/models', async (req, res) => {
    const connection = connectionForModels(currentUser(res), req.body, { secret, allowedHosts });
    res.json(await client(connection).listModels(requestSignal(res, deps.config.AI_TIMEOUT_MS)));
  });

  router.post('/strategy', async (req, res) => {
    const { connection, model } = activeConnection(currentUser(res), secret);
    const { prompt, code } = parse(proposalSchema, req.body, { prompt: 'Demande', code: 'Code' });
    const proposal = await proposeStrategy(client(connection), {
      model,
      prompt,
      code,
      validate: (candidate) =>
        validateInPool(sandbox, `user:${currentUser(res).id}`, candidate, validationLimits(deps.config)),
      signal: requestSignal(res, deps.config.AI_TIMEOUT_MS),
    });
    res.json(proposal);
  });

  return router;
}
