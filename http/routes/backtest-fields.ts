import { BACKTEST_TIMEFRAME_NAMES, BACKTEST_TIMEFRAMES, type BacktestTimeframe } from '../../core/candles/history';
import { ValidationError } from '../../core/errors';
import { decimalField, isoInstant, z } from '../../core/validation';
import { idField } from '../params';

// Free of Express and the sandbox: the web app takes its request types from these schemas (types only).

const fraction = (max: number) => decimalField().refine((v) => Number(v) <= max, { error: `au plus ${max}` });

/** What a backtest and a sweep both ask for: the strategy, the candles, the period and the simulated market. */
export const backtestFields = {
  strategyId: idField('obligatoire'),
  source: z.string({ error: 'obligatoire' }).trim().min(1, { error: 'obligatoire' }).max(64),
  symbol: z.string({ error: 'obligatoire' }).trim().min(1, { error: 'obligatoire' }).max(50),
  timeframe: z.enum(BACKTEST_TIMEFRAME_NAMES, { error: `une des unités ${BACKTEST_TIMEFRAME_NAMES.join(', ')}` }),
  from: isoInstant,
  to: isoInstant,
  // Results are stored with 18 digits before the point: this leaves room for a run that multiplies its money by 10⁶.
  initialAmount: decimalField()
    .refine((v) => Number(v) > 0, { error: 'doit être positif' })
    .refine((v) => Number(v) <= 1e12, { error: '1 000 000 000 000 au plus' }),
  fee: fraction(0.1).default('0.001'),
  slippage: fraction(0.1).default('0.0005'),
  fill: z.enum(['close', 'next_open'], { error: "'close' ou 'next_open'" }).default('close'),
  market: z.enum(['spot', 'futures'], { error: "'spot' ou 'futures'" }).default('spot'),
};

export const BACKTEST_LABELS: Record<string, string> = {
  strategyId: 'Stratégie',
  source: 'Source',
  symbol: 'Symbole',
  timeframe: 'Unité de temps',
  from: 'Début',
  to: 'Fin',
  initialAmount: 'Montant de départ',
  fee: 'Frais',
  slippage: 'Glissement',
  fill: 'Exécution',
  market: 'Marché',
  brokerId: 'Broker',
  params: 'Paramètres',
};

/** A number a parameter can take: finite, within what JSON and the sandbox carry exactly enough. */
export const paramNumber = z
  .number({ error: 'nombre attendu' })
  .refine((v) => Number.isFinite(v) && Math.abs(v) <= 1e15, { error: 'nombre fini attendu (±10¹⁵ au plus)' });

/** `{ fast: 12 }`: the values of a run, checked against the strategy's declarations by the caller. */
export const paramValuesField = z
  .record(z.string().max(40), paramNumber, { error: 'objet { nom: valeur } attendu' })
  .refine((v) => Object.keys(v).length <= 20, { error: '20 paramètres au plus' });

/** The body of `POST /api/backtests`. */
export const backtestSchema = z
  .object({
    ...backtestFields,
    brokerId: idField('broker attendu').nullable().optional(),
    params: paramValuesField.optional(),
  })
  .refine((b) => Date.parse(b.from) < Date.parse(b.to), { error: 'doit être après la date de début', path: ['to'] });

const MAX_CANDLES = 2_000_000;

/** One run reads its whole period at once: refused past MAX_CANDLES candles, naming the end date. */
export function checkCandleCount(timeframe: BacktestTimeframe, from: number, to: number, field = 'to'): void {
  if ((to - from) / BACKTEST_TIMEFRAMES[timeframe] > MAX_CANDLES) {
    throw new ValidationError(`Fin : ${MAX_CANDLES.toLocaleString('fr-FR')} bougies au plus par backtest`, field);
  }
}
