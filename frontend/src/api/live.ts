import type { z } from 'zod';
import type { ActivationView } from '@core/live/activation-view';
import type { createSchema, emergencySchema, stopSchema, updateSchema } from '@http/routes/activation-fields';

export type { EmergencyResult, SellResult } from '@http/routes/activation-fields';

/** An activation of `GET /api/active-strategies`: a strategy running on a broker's market between two dates. */
export type Activation = ActivationView;

/** The body of `POST /api/active-strategies`. */
export type ActivationBody = z.input<typeof createSchema>;
/** The body of `PUT /api/active-strategies/:id`. */
export type ActivationUpdate = z.input<typeof updateSchema>;
/** The bodies of `POST /api/active-strategies/:id/stop` and `/emergency-stop`. */
export type StopBody = z.input<typeof stopSchema>;
export type EmergencyBody = z.input<typeof emergencySchema>;
