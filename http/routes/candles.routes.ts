import { Router } from 'express';
import { CandleImportError, CandleImportTooLarge, importCandles } from '../../core/candles/candle-import';
import { listCandleSources, SOURCE_NAME } from '../../core/candles/candle-sources';
import { BACKTEST_TIMEFRAME_NAMES } from '../../core/candles/history';
import { ValidationError } from '../../core/errors';
import { findExchange } from '../../core/exchanges/catalog';
import { parse, z } from '../../core/validation';
import { currentUser, requireUser } from '../auth.middleware';
import type { AppDeps } from '../context';

/** The largest file the web process takes; bigger ones go through `npm run candles:import`. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

const importSchema = z.object({
  source: z
    .string({ error: 'obligatoire' })
    .trim()
    .regex(SOURCE_NAME, { error: 'lettres, chiffres, . _ - (64 au plus)' })
    .refine((s) => !findExchange(s.toLowerCase()), { error: "nom réservé à un exchange : choisissez un nom d'import" }),
  symbol: z
    .string({ error: 'obligatoire' })
    .trim()
    .regex(/^[A-Z0-9]+\/[A-Z0-9]+(:[A-Z0-9]+)?$/, { error: 'au format BASE/QUOTE (ex. BTC/USDT)' }),
  timeframe: z.enum(BACKTEST_TIMEFRAME_NAMES, { error: `une des unités ${BACKTEST_TIMEFRAME_NAMES.join(', ')}` }),
  format: z.enum(['csv', 'json'], { error: "'csv' ou 'json'" }).optional(),
});
const LABELS = { source: 'Source', symbol: 'Symbole', timeframe: 'Unité de temps', format: 'Format' };

/**
 * Candles: exchange downloads are shared by every user, imports belong to their importer (see candle-sources).
 * The import takes the file itself as the request body (the JSON body parser skips this route), the rest in the
 * query string: `POST /api/candles/import?source=mes-données&symbol=BTC/USDT&timeframe=1h&format=csv`.
 */
export function candlesRoutes(deps: AppDeps): Router {
  const router = Router();
  router.use(requireUser);

  router.get('/sources', async (_req, res) => {
    res.json(await listCandleSources(deps.db, currentUser(res).id));
  });

  router.post('/import', async (req, res) => {
    const input = parse(importSchema, req.query, LABELS);
    const target = {
      ...input,
      userId: currentUser(res).id,
      format: input.format ?? (req.is('application/json') ? ('json' as const) : ('csv' as const)),
    };
    let result;
    try {
      result = await importCandles(deps.db, target, req, MAX_IMPORT_BYTES);
    } catch (error) {
      if (error instanceof CandleImportError) {
        throw new ValidationError(`Fichier : ${error.message}`, 'data', 'CANDLES_INVALID');
      }
      if (error instanceof CandleImportTooLarge) {
        throw new ValidationError(
          `Fichier : ${MAX_IMPORT_BYTES / 1024 / 1024} Mo au plus (au-delà : npm run candles:import)`,
          'data',
          'PAYLOAD_TOO_LARGE',
        );
      }
      throw error;
    }
    res.status(201).json({ source: input.source, symbol: input.symbol, timeframe: input.timeframe, ...result });
  });

  return router;
}
