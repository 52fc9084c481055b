import { Router } from 'express';
import { CandleImportError, parseCsvCandles, parseFreqtradeJson } from '../../core/candles/candle-import';
import { BACKTEST_TIMEFRAME_NAMES, candleSources, storeCandles } from '../../core/candles/history';
import { ValidationError } from '../../core/errors';
import { findExchange } from '../../core/exchanges/catalog';
import { parse, z } from '../../core/validation';
import { requireUser } from '../auth.middleware';
import type { AppDeps } from '../context';

const importSchema = z.object({
  source: z
    .string({ error: 'obligatoire' })
    .trim()
    .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/i, { error: 'lettres, chiffres, . _ - (64 au plus)' })
    .refine((s) => !findExchange(s.toLowerCase()), { error: "nom réservé à un exchange : choisissez un nom d'import" }),
  symbol: z
    .string({ error: 'obligatoire' })
    .trim()
    .regex(/^[A-Z0-9]+\/[A-Z0-9]+(:[A-Z0-9]+)?$/, { error: 'au format BASE/QUOTE (ex. BTC/USDT)' }),
  timeframe: z.enum(BACKTEST_TIMEFRAME_NAMES, { error: `une des unités ${BACKTEST_TIMEFRAME_NAMES.join(', ')}` }),
  format: z.enum(['csv', 'json'], { error: "'csv' ou 'json'" }),
  data: z.string({ error: 'obligatoire' }).min(1, { error: 'obligatoire' }),
});
const LABELS = { source: 'Source', symbol: 'Symbole', timeframe: 'Unité de temps', format: 'Format', data: 'Fichier' };

/** Candles are shared by every user (market data); importing needs a signed-in user. */
export function candlesRoutes(deps: AppDeps): Router {
  const router = Router();
  router.use(requireUser);

  router.get('/sources', async (_req, res) => {
    res.json(await candleSources(deps.db));
  });

  router.post('/import', async (req, res) => {
    const input = parse(importSchema, req.body, LABELS);
    let rows;
    try {
      rows = input.format === 'csv' ? parseCsvCandles(input.data) : parseFreqtradeJson(input.data);
    } catch (error) {
      if (error instanceof CandleImportError) {
        throw new ValidationError(`Fichier : ${error.message}`, 'data', 'CANDLES_INVALID');
      }
      throw error;
    }
    const key = { source: input.source, symbol: input.symbol, timeframe: input.timeframe };
    const stored = await deps.db.transaction((trx) => storeCandles(trx, key, rows));
    res.status(201).json({
      ...key,
      received: rows.length,
      stored,
      first: new Date(rows[0][0]).toISOString(),
      last: new Date(rows[rows.length - 1][0]).toISOString(),
    });
  });

  return router;
}
