import type { ActivationView } from '../../core/live/activation-view';
import { decimalField, isoInstant, z } from '../../core/validation';
import { TIMEFRAMES } from '../../queues/names';
import { idField } from '../params';

// Free of Express and the queues: the web app takes the Trading BOT's request and reply types from here (types only).

const MARKETS = ['spot', 'futures'] as const;
const PROTECTIONS = ['bot', 'exchange'] as const;

const fields = {
  symbol: z.string({ error: 'obligatoire' }).trim().min(1, { error: 'obligatoire' }).max(50, { error: '50 au plus' }),
  market: z.enum(MARKETS, { error: "'spot' ou 'futures'" }),
  budget: decimalField({ numbers: true })
    .refine((v) => Number(v) > 0, { error: 'doit être positif' })
    .nullable(),
  closeAtEnd: z.boolean({ error: 'vrai ou faux' }),
  protection: z.enum(PROTECTIONS, { error: "'bot' ou 'exchange'" }),
};
export const createSchema = z
  .object({
    strategyId: idField('obligatoire'),
    brokerId: idField('obligatoire'),
    symbol: fields.symbol,
    /** The strategy's own when omitted; an activation runs on the timeframe its strategy was written for. */
    timeframe: z.enum(TIMEFRAMES, { error: `une des unités ${TIMEFRAMES.join(', ')}` }).optional(),
    startDate: isoInstant,
    endDate: isoInstant,
    market: fields.market.default('spot'),
    budget: fields.budget.default(null),
    closeAtEnd: fields.closeAtEnd.default(true),
    protection: fields.protection.default('bot'),
  })
  .refine((b) => Date.parse(b.startDate) < Date.parse(b.endDate), {
    error: 'doit être après la date de début',
    path: ['endDate'],
  });
export const updateSchema = z.object({
  endDate: isoInstant.optional(),
  budget: fields.budget.optional(),
  symbol: fields.symbol.optional(),
  market: fields.market.optional(),
  closeAtEnd: fields.closeAtEnd.optional(),
  protection: fields.protection.optional(),
});
export const stopSchema = z.object({ closePosition: z.boolean({ error: 'vrai ou faux' }).default(false) });
export const emergencySchema = z.object({ closePositions: z.boolean({ error: 'vrai ou faux' }).default(false) });
export const LABELS = {
  strategyId: 'Stratégie',
  brokerId: 'Broker',
  symbol: 'Paire',
  timeframe: 'Unité de temps',
  startDate: 'Début',
  endDate: 'Fin',
  market: 'Marché',
  budget: 'Budget',
  closeAtEnd: 'Fermer la position à la fin',
  protection: 'Protection',
  closePosition: 'Fermer la position',
  closePositions: 'Fermer les positions',
};

/** The answer of `POST /api/active-strategies/emergency-stop`. */
export interface EmergencyResult {
  suspended: number;
  closing: number;
}

/** The answer of `POST /api/active-strategies/:id/sell`: the activation, and the close job queued. */
export interface SellResult {
  activation: ActivationView;
  jobId: string;
}
