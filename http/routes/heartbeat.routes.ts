import { Router } from 'express';
import type { StoredCandleRow } from '../../actors/heartbeat/candle-store';
import { TIMEFRAME_MS } from '../../core/candles/timeframes';
import { trimDecimal } from '../../core/decimal';
import { unifiedSymbol } from '../../core/feeds/binance-symbols';
import { heartbeatState } from '../../core/status';
import { instantInRange, INSTANT_RANGE_MESSAGE, parse, z } from '../../core/validation';
import { TIMEFRAMES, type Timeframe } from '../../queues/names';
import type { AppDeps } from '../context';
import { requireUser } from '../auth.middleware';
import type { HeartbeatHistory, HeartbeatStatus } from './status-views';

const FEED_LOST = 'Connexion au flux Binance perdue (le détail est dans le journal du heartbeat)';
const timeframe = z.enum(TIMEFRAMES, { error: `une des unités ${TIMEFRAMES.join(', ')}` });
/** A market as ccxt writes it (BTC/USDT); Binance's form (BTCUSDT) is read too. */
const symbol = z.string().transform((v, ctx) => {
  const unified = unifiedSymbol(v);
  if (!unified) ctx.addIssue({ code: 'custom', message: 'marché attendu (ex. BTC/USDT)' });
  return unified ?? v;
});
/** An instant as ISO 8601 or epoch milliseconds, within what the API takes (INSTANT_RANGE). */
const instant = z
  .union(
    [
      z.coerce
        .number()
        .int()
        .nonnegative()
        .transform((ms) => new Date(ms)),
      z.iso.datetime({ offset: true }).transform((s) => new Date(s)),
    ],
    { error: 'date ISO 8601 ou millisecondes attendues' },
  )
  .refine((date) => instantInRange(date.getTime()), { error: INSTANT_RANGE_MESSAGE });

const historyQuery = z.object({
  timeframe: timeframe.optional(),
  /** One symbol or several, comma-separated. */
  symbol: z
    .string()
    .transform((v) => v.split(',').filter(Boolean))
    .pipe(z.array(symbol).max(50))
    .optional(),
  limit: z.coerce.number({ error: 'nombre attendu' }).int().min(1).max(500, { error: '500 au plus' }).default(60),
});
const candlesQuery = z
  .object({
    symbol,
    timeframe,
    from: instant.optional(),
    to: instant.optional(),
    limit: z.coerce.number({ error: 'nombre attendu' }).int().min(1).max(5000, { error: '5000 au plus' }).default(500),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], error: 'doit suivre le début' });
const LABELS = { timeframe: 'Unité de temps', symbol: 'Symbole', limit: 'Nombre', from: 'Début', to: 'Fin' };

/** The heartbeat's state, its recent signals and the candles it stored: market data, the same for every user. */
export function heartbeatRoutes(deps: AppDeps): Router {
  const router = Router();
  router.use(requireUser);

  router.get('/status', async (_req, res) => {
    const [state, row, alerts] = await Promise.all([
      heartbeatState(deps.db, deps.redis, deps.config.QUEUE_PREFIX),
      deps
        .db('heartbeat_status')
        .orderBy([
          { column: 'is_connected', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .first(),
      deps.db('alerts').where('kind', 'like', 'heartbeat%').whereNull('resolved_at').orderBy('id', 'desc').limit(10),
    ]);
    // The last signal of the pairs this heartbeat follows, not of pairs followed once and dropped since.
    const symbols: string[] = row?.symbols_monitored ?? [];
    const last = await deps
      .db('candles_heartbeat')
      .whereIn('symbol', symbols)
      .orderBy('received_at', 'desc')
      .first('received_at');
    res.json({
      ...state,
      symbols,
      lastApplicationStart: row?.last_application_start ?? null,
      lastApplicationStop: row?.last_application_stop ?? null,
      // The stored text is the socket's own (it may name an internal host or proxy): users read ours, the log has it.
      lastError: row?.last_error ? FEED_LOST : null,
      lastErrorAt: row?.last_error_at ?? null,
      lastSignalAt: last?.received_at ?? null,
      alerts: alerts.map((a: { id: number; message: string; created_at: Date }) => ({
        id: a.id,
        message: a.message,
        createdAt: a.created_at,
      })),
      timeframes: TIMEFRAMES,
    } satisfies HeartbeatStatus);
  });

  router.get('/history', async (req, res) => {
    const query = parse(historyQuery, req.query, LABELS);
    const ranked = deps
      .db('candles_heartbeat')
      .select('symbol', 'signal_type', 'candle_time', 'received_at', 'backfilled')
      .select(deps.db.raw('row_number() over (partition by signal_type order by candle_time desc, symbol) as rank'))
      .modify((q) => {
        if (query.timeframe) q.where('signal_type', query.timeframe);
        if (query.symbol?.length) q.whereIn('symbol', query.symbol);
      });
    const rows: { symbol: string; signal_type: string; candle_time: Date; received_at: Date; backfilled: boolean }[] =
      await deps.db.from(ranked.as('r')).where('rank', '<=', query.limit).orderBy('candle_time', 'desc');
    res.json({
      signals: rows.map((r) => ({
        symbol: r.symbol,
        timeframe: r.signal_type,
        candleTime: r.candle_time.getTime(),
        receivedAt: r.received_at.getTime(),
        backfilled: r.backfilled,
      })),
    } satisfies HeartbeatHistory);
  });

  router.get('/candles', async (req, res) => {
    const query = parse(candlesQuery, req.query, LABELS);
    const rows: StoredCandleRow[] = await deps
      .db('candles')
      .where({ source: 'binance', symbol: query.symbol, timeframe: query.timeframe })
      .modify((q) => {
        if (query.from) q.where('open_time', '>=', query.from);
        if (query.to) q.where('open_time', '<=', query.to);
      })
      .orderBy('open_time', query.from ? 'asc' : 'desc')
      .limit(query.limit);
    const ms = TIMEFRAME_MS[query.timeframe as Timeframe];
    const candles = rows
      .map((r) => ({
        openTime: r.open_time.getTime(),
        closeTime: r.open_time.getTime() + ms - 1,
        open: trimDecimal(r.open),
        high: trimDecimal(r.high),
        low: trimDecimal(r.low),
        close: trimDecimal(r.close),
        volume: trimDecimal(r.volume),
        backfilled: r.backfilled,
      }))
      .sort((a, b) => a.openTime - b.openTime);
    res.json({ symbol: query.symbol, timeframe: query.timeframe, candles });
  });

  return router;
}
