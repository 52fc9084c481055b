import { z } from '../../core/validation';
import { TIMEFRAMES } from '../../queues/names';

// Free of Express and the sandbox: the web app takes the strategy requests' types from these schemas (types only).

/** The body of `POST /api/strategies` and `PUT /api/strategies/:id`. */
export const strategySchema = z.object({
  name: z
    .string({ error: 'obligatoire' })
    .trim()
    .min(1, { error: 'obligatoire' })
    .max(100, { error: '100 caractères au plus' }),
  description: z.string().max(2000, { error: '2000 caractères au plus' }).default(''),
  timeframe: z.enum(TIMEFRAMES, { error: `une des unités ${TIMEFRAMES.join(', ')}` }),
  code: z
    .string({ error: 'obligatoire' })
    .max(100_000, { error: '100 000 caractères au plus' })
    .refine((code) => code.trim() !== '', { error: 'obligatoire' }),
});

/** The body of `POST /api/strategies/validate`. */
export const strategyCodeSchema = z.object({ code: strategySchema.shape.code });
