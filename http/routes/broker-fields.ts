import { z } from '../../core/validation';

// Free of Express and the exchanges: the web app takes the broker requests' types from these schemas (types only).

const fields = {
  name: z
    .string({ error: 'obligatoire' })
    .trim()
    .min(1, { error: 'obligatoire' })
    .max(100, { error: '100 caractères au plus' }),
  credentials: z.record(z.string(), z.string().trim().max(4000)),
  isTestnet: z.boolean({ error: 'vrai ou faux' }),
  isDefault: z.boolean({ error: 'vrai ou faux' }),
  isActive: z.boolean({ error: 'vrai ou faux' }),
};

/** The body of `POST /api/brokers`. */
export const brokerCreateSchema = z.object({
  name: fields.name,
  exchange: z.string({ error: 'obligatoire' }).min(1, { error: 'obligatoire' }),
  credentials: fields.credentials.default({}),
  isTestnet: fields.isTestnet.default(false),
  isDefault: fields.isDefault.default(false),
  isActive: fields.isActive.default(true),
});

/** The body of `PUT /api/brokers/:id`: the fields changed. */
export const brokerUpdateSchema = z.object({
  name: fields.name.optional(),
  credentials: fields.credentials.optional(),
  isTestnet: fields.isTestnet.optional(),
  isDefault: fields.isDefault.optional(),
  isActive: fields.isActive.optional(),
});
