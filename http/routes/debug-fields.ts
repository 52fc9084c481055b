import { z } from '../../core/validation';

/** The body of `POST /api/debug`; out of debug.routes.ts so that the web app reads its type without Express. */
export const debugSwitchSchema = z.object({ active: z.boolean() });
