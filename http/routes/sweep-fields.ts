import { MAX_RUNS } from '../../core/sweeps/grid';
import { RANK_NAMES } from '../../core/sweeps/ranking';
import { isoInstant, z } from '../../core/validation';
import { backtestFields, paramNumber } from './backtest-fields';

// Free of Express and the queues: the web app takes the sweep request's type from this schema (types only).

const range = z.union(
  [
    z.object({ min: paramNumber, max: paramNumber, step: paramNumber }, { error: '{ min, max, step } attendu' }),
    z.array(paramNumber, { error: 'liste de nombres attendue' }).min(1, { error: 'au moins une valeur' }).max(1000),
  ],
  { error: '{ min, max, step } ou une liste de valeurs attendu' },
);

const period = (b: { from: string; to: string }) => Date.parse(b.from) < Date.parse(b.to);

/** The body of `POST /api/sweeps`. */
export const sweepSchema = z
  .object({
    ...backtestFields,
    params: z
      .record(z.string().max(40), range, { error: 'objet { nom: { min, max, step } } attendu' })
      .refine((p) => Object.keys(p).length <= 20, { error: '20 paramètres au plus' }),
    maxRuns: z.number({ error: 'nombre attendu' }).int({ error: 'entier attendu' }).min(1).max(MAX_RUNS).default(100),
    rankBy: z.enum(RANK_NAMES, { error: `un de ${RANK_NAMES.join(', ')}` }).default('finalAmount'),
    constraints: z.array(z.string().max(100), { error: 'liste attendue' }).max(10).default([]),
    outOfSample: z
      .object({ from: isoInstant, to: isoInstant }, { error: '{ from, to } attendu' })
      .refine(period, { error: 'la fin doit être après le début', path: ['to'] })
      .nullable()
      .optional(),
    outOfSampleTop: z.number({ error: 'nombre attendu' }).int({ error: 'entier attendu' }).min(1).max(20).default(5),
  })
  .refine(period, { error: 'doit être après la date de début', path: ['to'] })
  .refine(
    (b) =>
      !b.outOfSample ||
      Date.parse(b.outOfSample.to) <= Date.parse(b.from) ||
      Date.parse(b.outOfSample.from) >= Date.parse(b.to),
    { error: 'ne doit pas chevaucher la période d’optimisation', path: ['outOfSample', 'from'] },
  );
