import { Router } from 'express';
import { findExchange } from '../../core/exchanges/catalog';
import { marketsExchangeOf } from '../../core/exchanges/markets';
import { parse, z } from '../../core/validation';
import type { AppDeps } from '../context';
import { requireUser } from '../auth.middleware';
import { symbolItem, type MarketsStatus, type SymbolPage, type SymbolRow } from './market-views';

const symbolsQuery = z.object({
  exchange: z.string({ error: 'obligatoire' }).trim().min(1, { error: 'obligatoire' }).max(64),
  q: z.string().trim().max(50).optional(),
  quote: z
    .string()
    .trim()
    .toUpperCase()
    .transform((v) => v.split(',').filter(Boolean))
    .pipe(z.array(z.string().regex(/^[A-Z0-9]{1,20}$/, { error: 'devise attendue (ex. USDT)' })).max(10))
    .optional(),
  page: z.coerce.number({ error: 'nombre attendu' }).int().min(1, { error: '1 au moins' }).default(1),
  pageSize: z.coerce.number({ error: 'nombre attendu' }).int().min(1).max(200, { error: '200 au plus' }).default(50),
});
const LABELS = {
  exchange: 'Exchange',
  q: 'Recherche',
  quote: 'Devise de cotation',
  page: 'Page',
  pageSize: 'Taille de page',
};

/** `GET /api/symbols`: the markets stored for an exchange, searched, filtered by quote and paged. */
export function symbolsRoutes(deps: AppDeps): Router {
  const router = Router();
  router.use(requireUser);
  router.get('/', async (req, res) => {
    const query = parse(symbolsQuery, req.query, LABELS);
    const exchange = marketsExchangeOf(query.exchange, deps.config.PAPER_PRICE_SOURCE);
    const base = deps.db('exchange_symbols').where({ exchange });
    if (query.q) base.whereILike('symbol', `%${query.q.replace(/[\\%_]/g, '\\$&')}%`);
    if (query.quote?.length) base.whereIn('quote', query.quote);
    const [{ count }] = (await base.clone().count({ count: '*' })) as { count: string }[];
    const rows: SymbolRow[] = await base
      .orderBy([{ column: 'active', order: 'desc' }, 'symbol'])
      .offset((query.page - 1) * query.pageSize)
      .limit(query.pageSize)
      .select(
        'symbol',
        'base',
        'quote',
        'active',
        'min_amount',
        'min_cost',
        'amount_precision',
        'price_precision',
        'taker_fee',
      );
    res.json({
      exchange,
      total: Number(count),
      page: query.page,
      pageSize: query.pageSize,
      items: rows.map(symbolItem),
    } satisfies SymbolPage);
  });
  return router;
}

/** `GET /api/markets/status`: what `exchange_symbols` holds per exchange, and the loads under way. */
export function marketsRoutes(deps: AppDeps): Router {
  const router = Router();
  router.use(requireUser);
  router.get('/status', async (_req, res) => {
    const [stored, jobs] = await Promise.all([
      deps
        .db('exchange_symbols')
        .groupBy('exchange')
        .orderBy('exchange')
        .select('exchange', deps.db.raw('count(*)::int as count'), deps.db.raw('max(updated_at) as updated_at')),
      deps.marketsQueue!.getJobs(['active', 'waiting', 'delayed']),
    ]);
    res.json({
      exchanges: (stored as { exchange: string; count: number; updated_at: Date }[]).map((row) => ({
        exchange: row.exchange,
        name: findExchange(row.exchange)?.name ?? row.exchange,
        count: row.count,
        updatedAt: row.updated_at,
      })),
      loading: jobs
        .filter(Boolean)
        .map((job) => ({ exchange: String(job.data.exchange), percent: Number(job.progress) || 0 })),
    } satisfies MarketsStatus);
  });
  return router;
}
