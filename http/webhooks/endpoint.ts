import express, { Router, type Request, type Response } from 'express';
import type { WebhookSourceRow } from '../../core/webhooks/source-view';
import { tokenHash } from '../../core/webhooks/secrets';
import { acceptWebhook, keptHeaders, type WebhookIntakeDeps } from './intake';

/** TradingView's alert messages are short; a body this size is no alert. */
export const WEBHOOK_BODY_LIMIT = '64kb';
const WINDOW_MS = 60_000;

/**
 * Requests per source and minute, counted in this process. What TradingView sends stays far below (it stops an alert
 * that fires more than 15 times in 3 minutes); a leaked URL cannot fill the log or the broker's queue faster.
 */
class SourceRate {
  private readonly windows = new Map<number, { start: number; count: number }>();

  constructor(private readonly perMinute: number) {}

  take(sourceId: number, now = Date.now()): boolean {
    let window = this.windows.get(sourceId);
    if (!window || now - window.start >= WINDOW_MS) {
      if (this.windows.size > 10_000) this.windows.clear();
      window = { start: now, count: 0 };
      this.windows.set(sourceId, window);
    }
    window.count += 1;
    return window.count <= this.perMinute;
  }
}

/**
 * `POST /webhooks/:token`: TradingView's door. Mounted before the session, the CSRF check and the Host check: it uses
 * no cookie, a token in its path is its only credential. Any content type is read as text, as sent.
 */
export function webhookEndpoint(deps: WebhookIntakeDeps, perMinute: number): Router {
  const router = Router();
  const rate = new SourceRate(perMinute);
  const text = express.text({ type: () => true, limit: WEBHOOK_BODY_LIMIT });
  router.post('/:token', text, async (req: Request, res: Response) => {
    const token = typeof req.params.token === 'string' ? req.params.token : '';
    const source: WebhookSourceRow | undefined =
      token.length > 0 && token.length <= 100
        ? await deps
            .db('webhook_sources')
            .where({ token_hash: tokenHash(token), active: true })
            .first()
        : undefined;
    if (!source) {
      res.status(404).json({ error: { code: 'NOT_FOUND', message: 'Webhook inconnu ou désactivé' } });
      return;
    }
    if (!rate.take(Number(source.id))) {
      res.status(429).json({ error: { code: 'RATE_LIMITED', message: 'Trop de requêtes pour cette source' } });
      return;
    }
    const body = typeof req.body === 'string' ? req.body : '';
    const outcome = await acceptWebhook(deps, source, body, { ip: req.ip ?? null, headers: keptHeaders(req.headers) });
    res.status(outcome.status === 'rejected' ? 422 : 200).json(outcome);
  });
  return router;
}
