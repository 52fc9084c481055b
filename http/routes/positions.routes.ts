import { Router } from 'express';
import { positionView, type PositionRow } from '../../core/live/activations';
import { parse, z } from '../../core/validation';
import { currentUser } from '../auth.middleware';
import type { AppDeps } from '../context';

const positionsQuery = z.object({
  status: z.enum(['open', 'closed'], { error: "'open' ou 'closed'" }).optional(),
  limit: z.coerce.number({ error: 'nombre attendu' }).int().min(1).max(500, { error: '500 au plus' }).default(100),
});
const LABELS = { status: 'Statut', limit: 'Nombre' };

/** `GET /api/positions`: the user's positions, newest first, open or closed or both. */
export function positionsRoutes(deps: AppDeps): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const query = parse(positionsQuery, req.query, LABELS);
    const rows = deps
      .db<PositionRow>('positions')
      .where({ user_id: currentUser(res).id })
      .orderBy([
        { column: 'opened_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(query.limit);
    if (query.status) rows.where({ status: query.status });
    res.json(((await rows) as PositionRow[]).map(positionView));
  });
  return router;
}
