import { Router } from 'express';
import { parse, z } from '../../core/validation';
import { currentUser } from '../auth.middleware';
import type { AppDeps } from '../context';
import { idField } from '../params';
import { WEBHOOK_STATUSES as STATUSES, webhookEntry, type WebhookLogRow } from './webhook-views';

const logQuery = z.object({
  sourceId: idField('source attendue').optional(),
  status: z.enum(STATUSES, { error: `un de ${STATUSES.join(', ')}` }).optional(),
  limit: z.coerce.number({ error: 'nombre attendu' }).int().min(1).max(500, { error: '500 au plus' }).default(100),
});
const LABELS = { sourceId: 'Source', status: 'Statut', limit: 'Nombre' };

/** `GET /api/webhooks`: what the user's sources received, newest first, with what each led to. */
export function webhooksRoutes(deps: AppDeps): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const query = parse(logQuery, req.query, LABELS);
    const rows: WebhookLogRow[] = await deps
      .db('webhooks as w')
      .leftJoin('webhook_sources as s', 's.id', 'w.source_id')
      .leftJoin('trades as t', 't.id', 'w.trade_id')
      .where('w.user_id', currentUser(res).id)
      .modify((q) => {
        if (query.sourceId !== undefined) q.where('w.source_id', query.sourceId);
        if (query.status) q.where('w.status', query.status);
      })
      .orderBy('w.id', 'desc')
      .limit(query.limit)
      .select(
        'w.id',
        'w.source_id',
        's.name as source_name',
        'w.created_at',
        'w.status',
        'w.reason',
        'w.parsed',
        'w.trade_id',
        'w.raw_body',
        't.side as t_side',
        't.symbol as t_symbol',
        't.status as t_status',
        't.filled_quantity as t_filled',
        't.average_price as t_average',
      );
    res.json(rows.map(webhookEntry));
  });
  return router;
}
