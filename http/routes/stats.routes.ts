import type { Request, Response } from 'express';
import { Router } from 'express';
import { stringify } from 'csv-stringify/sync';
import { Broker } from '../../core/db/models';
import { ValidationError } from '../../core/errors';
import { pnlSeries, summarizeByOrigin } from '../../core/stats/groups';
import { originLabels } from '../../core/stats/origin-labels';
import type { RoundTrip } from '../../core/stats/round-trips';
import { statsCacheFor } from '../../core/stats/stats-cache';
import { dailyCloses, riskRatios } from '../../core/stats/outcomes';
import { SUMMARY_CURRENCY, summarize } from '../../core/stats/summary';
import { historyBetween, thinPoints } from '../../core/stats/balance-history';
import { isoInstant, parse, z } from '../../core/validation';
import { currentUser, tenant } from '../auth.middleware';
import type { AppDeps } from '../context';
import { idField } from '../params';
import {
  tripView,
  type BalanceReply,
  type OriginRowsReply,
  type PnlReply,
  type RoundTripView,
  type SummaryReply,
  type TripsReply,
} from './stats-views';

const SOURCES = ['manual', 'strategy', 'webhook'] as const;
const periodQuery = z.object({
  brokerId: idField('broker attendu').optional(),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  source: z.enum(SOURCES, { error: `une de ${SOURCES.join(', ')}` }).optional(),
  origin: z
    .string()
    .regex(/^(manual|strategy:(\d{1,15}|none)|webhook:(\d{1,15}|deleted))$/, {
      error: 'manual, strategy:<n°> ou webhook:<n°>',
    })
    .optional(),
  limit: z.coerce.number({ error: 'nombre attendu' }).int().min(1).max(5000, { error: '5000 au plus' }).default(500),
});
/** The balance curve's points at most (a chart is narrower; the figures are computed on every snapshot). */
const CHART_POINTS = 2000;
const LABELS = { brokerId: 'Broker', from: 'Début', to: 'Fin', source: 'Origine', origin: 'Origine', limit: 'Nombre' };

const CSV_COLUMNS: [keyof RoundTripView, string][] = [
  ['exitTime', 'Clôture (UTC)'],
  ['entryTime', 'Ouverture (UTC)'],
  ['broker', 'Broker'],
  ['originLabel', 'Origine'],
  ['symbol', 'Paire'],
  ['side', 'Sens'],
  ['quantity', 'Quantité'],
  ['entryPrice', "Prix d'entrée"],
  ['exitPrice', 'Prix de sortie'],
  ['fees', 'Frais'],
  ['realizedPnl', 'P&L réalisé'],
];

/** Columns of names the user chose (a source, a strategy, a broker): never read as a formula by a spreadsheet. */
const TEXT_COLUMNS = new Set<string>(['broker', 'originLabel', 'symbol']);
const inert = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

/**
 * The Statistiques page's figures, from the user's own fills: round trips matched first in first out per broker,
 * pair and origin (core/stats/round-trips.ts), counted when they closed in the period. Every route reads the same
 * matching, so the summary, the tables, the charts and the CSV never disagree.
 */
export function statsRoutes(deps: AppDeps): Router {
  const router = Router();
  const cache = statsCacheFor(deps.db);

  async function bounds(req: Request, res: Response) {
    const query = parse(periodQuery, req.query, LABELS);
    if (query.brokerId !== undefined) await tenant(res).find(Broker, query.brokerId, 'Broker introuvable');
    const from = query.from ? Date.parse(query.from) : 0;
    const to = query.to ? Date.parse(query.to) : Date.now() + 1;
    if (to <= from) throw new ValidationError('Fin : doit être après le début', 'to');
    return { query, from, to, userId: currentUser(res).id };
  }

  async function period(req: Request, res: Response) {
    const { query, from, to, userId } = await bounds(req, res);
    // Every fill is matched, the period's end aside: later fills never change an earlier round trip, and each figure
    // keeps to the period itself (closed in it, open during it).
    const { fills, matched } = await cache.matching(userId, { brokerId: query.brokerId, source: query.source });
    return { query, from, to, userId, fills, matched };
  }

  /** The balance curve from the snapshots the stats actor took (hourly and after fills), with its holes and transfers. */
  router.get('/balance', async (req, res) => {
    const { query, from, to, userId } = await bounds(req, res);
    const history = historyBetween(await cache.balance(userId, query.brokerId), from, to);
    res.json({
      currency: SUMMARY_CURRENCY,
      ...history,
      points: thinPoints(history.points, CHART_POINTS),
    } satisfies BalanceReply);
  });

  async function labelled(userId: number, origins: string[]) {
    return originLabels(deps.db, userId, [...new Set(origins)]);
  }

  router.get('/summary', async (req, res) => {
    const { query, from, to, userId, fills, matched } = await period(req, res);
    res.json({
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      ...summarize(matched.roundTrips, from, to, { open: matched.open, firstFill: fills[0]?.time }),
      ...(query.source ? { sharpe: null, sortino: null } : await balanceRatios(userId, query.brokerId, from, to)),
      unvaluedFees: matched.unvaluedFees.length,
    } satisfies SummaryReply);
  });

  /**
   * Sharpe and Sortino of the account's daily balance without its deposits and withdrawals (every origin's trades
   * together: a balance is not split by origin), as the backtests compute them on their equity.
   */
  async function balanceRatios(userId: number, brokerId: number | undefined, from: number, to: number) {
    const { points } = historyBetween(await cache.balance(userId, brokerId), from, to);
    const performance = points.map((p) => Number(p.performance));
    return riskRatios(
      dailyCloses(
        performance,
        points.map((p) => Date.parse(p.time)),
      ),
    );
  }

  async function byOrigin(req: Request, res: Response, kinds: string[]) {
    const { from, to, userId, matched } = await period(req, res);
    const rows = summarizeByOrigin(matched.roundTrips, from, to, matched.open, kinds);
    const labels = await labelled(
      userId,
      rows.map((r) => r.origin),
    );
    res.json({
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      rows: rows.map((row) => ({ ...row, ...labels.get(row.origin)! })),
    } satisfies OriginRowsReply);
  }

  router.get('/by-strategy', (req, res) => byOrigin(req, res, ['strategy', 'manual']));
  router.get('/by-webhook-source', (req, res) => byOrigin(req, res, ['webhook']));

  router.get('/pnl', async (req, res) => {
    const { from, to, userId, matched } = await period(req, res);
    const series = pnlSeries(matched.roundTrips, from, to);
    const labels = await labelled(
      userId,
      series.cumulative.map((c) => c.origin),
    );
    res.json({
      days: series.days,
      cumulative: series.cumulative.map((c) => ({ ...c, label: labels.get(c.origin)!.label })),
    } satisfies PnlReply);
  });

  async function tripViews(req: Request, res: Response) {
    const { query, from, to, userId, matched } = await period(req, res);
    const trips = matched.roundTrips
      .filter((t) => t.exitTime >= from && t.exitTime < to && (!query.origin || t.origin === query.origin))
      .sort((a, b) => b.exitTime - a.exitTime);
    const labels = await labelled(
      userId,
      trips.map((t) => t.origin),
    );
    const brokers: { id: string; name: string }[] = await deps
      .db('brokers')
      .where('user_id', userId)
      .select('id', 'name');
    const names = new Map(brokers.map((b) => [Number(b.id), b.name]));
    return { query, trips, view: (t: RoundTrip) => tripView(t, labels.get(t.origin), names) };
  }

  /** The round trips closed in the period, newest first, `limit` of them; `total` says how many there are. */
  router.get('/trades', async (req, res) => {
    const { query, trips, view } = await tripViews(req, res);
    res.json({ total: trips.length, trades: trips.slice(0, query.limit).map(view) } satisfies TripsReply);
  });

  /** Every round trip closed in the period, as a spreadsheet reads it (UTC times, decimal points, a BOM for Excel). */
  router.get('/trades.csv', async (req, res) => {
    const { trips, view } = await tripViews(req, res);
    const csv = stringify(
      trips.map(view).map((t) => CSV_COLUMNS.map(([key]) => (TEXT_COLUMNS.has(key) ? inert(String(t[key])) : t[key]))),
      { header: true, columns: CSV_COLUMNS.map(([, header]) => header), bom: true },
    );
    res.type('text/csv; charset=utf-8').attachment('aristobot-trades.csv').send(csv);
  });

  return router;
}
