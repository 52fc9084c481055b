import { decimalField, z } from '../../core/validation';
import { idField } from '../params';

// Free of Express and the broker queues: the web app takes the order request's type from this schema (types only).

const decimalInput = decimalField({ signed: true, numbers: true });

/** The body of `POST /api/trading/orders`. */
export const orderSchema = z
  .object({
    /** The user's default broker when omitted. */
    brokerId: idField('broker attendu').optional(),
    symbol: z.string({ error: 'obligatoire' }).trim().min(1, { error: 'obligatoire' }).max(50).toUpperCase(),
    side: z.enum(['buy', 'sell'], { error: 'buy ou sell' }),
    type: z.enum(['market', 'limit'], { error: 'market ou limit' }),
    amount: decimalInput.optional(),
    quoteAmount: decimalInput.optional(),
    price: decimalInput.optional(),
    /** Chosen by the page for each confirmed order: sending it again (double click, retry) places nothing more. */
    requestId: z
      .string()
      .regex(/^[A-Za-z0-9-]{8,64}$/, { error: 'identifiant de requête invalide' })
      .optional(),
  })
  .refine((o) => o.amount !== undefined || o.quoteAmount !== undefined, {
    path: ['amount'],
    error: 'indiquez une quantité ou un montant',
  });
