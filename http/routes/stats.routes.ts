import { Router } from 'express';
import { Broker } from '../../core/db/models';
import { ValidationError } from '../../core/errors';
import { userFills } from '../../core/stats/fills';
import { matchRoundTrips } from '../../core/stats/round-trips';
import { summarize } from '../../core/stats/summary';
import { isoInstant, parse, z } from '../../core/validation';
import { currentUser, tenant } from '../auth.middleware';
import type { AppDeps } from '../context';
import { idField } from '../params';

const SOURCES = ['manual', 'strategy', 'webhook'] as const;
const periodQuery = z.object({
  brokerId: idField('broker attendu').optional(),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  source: z.enum(SOURCES, { error: `une de ${SOURCES.join(', ')}` }).optional(),
});
const LABELS = { brokerId: 'Broker', from: 'Début', to: 'Fin', source: 'Origine' };

/**
 * The Statistiques page's figures, from the user's own fills: round trips matched first in first out per broker,
 * pair and origin (core/stats/round-trips.ts), counted when they closed in the period.
 */
export function statsRoutes(deps: AppDeps): Router {
  const router = Router();

  router.get('/summary', async (req, res) => {
    const query = parse(periodQuery, req.query, LABELS);
    if (query.brokerId !== undefined) await tenant(res).find(Broker, query.brokerId, 'Broker introuvable');
    const from = query.from ? Date.parse(query.from) : 0;
    const to = query.to ? Date.parse(query.to) : Date.now() + 1;
    if (to <= from) throw new ValidationError('Fin : doit être après le début', 'to');
    const fills = await userFills(deps.db, currentUser(res).id, {
      brokerId: query.brokerId,
      source: query.source,
      to: new Date(to),
    });
    const matched = matchRoundTrips(fills);
    res.json({
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      ...summarize(matched.roundTrips, from, to),
      unvaluedFees: matched.unvaluedFees.length,
    });
  });

  return router;
}
