import { decimalField, z } from '../../core/validation';
import { WEBHOOK_ACTIONS } from '../../core/webhooks/source-view';
import { idField } from '../params';

// Free of Express and the intake: the web app takes the source requests' types from these schemas (types only).

const positive = decimalField({ numbers: true }).refine((v) => Number(v) > 0, { error: 'doit être positif' });
const size = z
  .union(
    [
      z.strictObject({ quantity: positive }),
      z.strictObject({ quoteAmount: positive }),
      z.strictObject({ percent: positive.refine((v) => Number(v) <= 100, { error: '100 au plus' }) }),
    ],
    { error: '{"quantity"}, {"quoteAmount"} ou {"percent"} attendu' },
  )
  .nullable();
const seconds = (max: number) =>
  z.number({ error: 'nombre de secondes attendu' }).int({ error: 'nombre entier attendu' }).min(0).max(max);
const fields = {
  name: z.string({ error: 'obligatoire' }).trim().min(1, { error: 'obligatoire' }).max(100, { error: '100 au plus' }),
  brokerId: idField('broker attendu'),
  symbol: z.string({ error: 'texte attendu' }).trim().max(50, { error: '50 au plus' }).nullable(),
  size,
  market: z.enum(['spot', 'futures'], { error: "'spot' ou 'futures'" }),
  actions: z
    .array(z.enum(WEBHOOK_ACTIONS, { error: `une de ${WEBHOOK_ACTIONS.join(', ')}` }), { error: 'liste attendue' })
    .min(1, { error: 'au moins une action' }),
  passphrase: z
    .string({ error: 'texte attendu' })
    .min(4, { error: '4 caractères au moins' })
    .max(200, { error: '200 au plus' })
    .nullable(),
  ipAllowlist: z.boolean({ error: 'vrai ou faux' }),
  replayWindowS: seconds(86_400)
    .refine((v) => v > 0, { error: 'doit être positif' })
    .nullable(),
  dedupeWindowS: seconds(86_400),
  active: z.boolean({ error: 'vrai ou faux' }),
};

/** The body of `POST /api/webhook-sources`. */
export const sourceCreateSchema = z.object({
  name: fields.name,
  brokerId: fields.brokerId.optional(),
  symbol: fields.symbol.default(null),
  size: fields.size.default(null),
  market: fields.market.default('spot'),
  actions: fields.actions.default([...WEBHOOK_ACTIONS]),
  passphrase: fields.passphrase.default(null),
  ipAllowlist: fields.ipAllowlist.default(false),
  replayWindowS: fields.replayWindowS.default(null),
  dedupeWindowS: fields.dedupeWindowS.default(60),
  active: fields.active.default(true),
});

/** The body of `PUT /api/webhook-sources/:id`: the fields changed (`passphrase: null` clears it). */
export const sourceUpdateSchema = z.object({
  name: fields.name.optional(),
  brokerId: fields.brokerId.optional(),
  symbol: fields.symbol.optional(),
  size: fields.size.optional(),
  market: fields.market.optional(),
  actions: fields.actions.optional(),
  passphrase: fields.passphrase.optional(),
  ipAllowlist: fields.ipAllowlist.optional(),
  replayWindowS: fields.replayWindowS.optional(),
  dedupeWindowS: fields.dedupeWindowS.optional(),
  active: fields.active.optional(),
});
