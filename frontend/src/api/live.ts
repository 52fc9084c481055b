import type { ActivationView } from '@core/live/activations';

/** An activation of `GET /api/active-strategies`: a strategy running on a broker's market between two dates. */
export type Activation = ActivationView;

// The request schemas and the emergency stop's answer are still declared inside
// http/routes/active-strategies.routes.ts, which the web app cannot import: the types below follow them by hand.

/** The body of `POST /api/active-strategies` (createSchema). */
export interface ActivationBody {
  strategyId: number;
  brokerId: number;
  symbol: string;
  startDate: string;
  endDate: string;
  market: 'spot' | 'futures';
  budget: string | null;
  closeAtEnd: boolean;
}

/** The answer of `POST /api/active-strategies/emergency-stop`. */
export interface EmergencyResult {
  suspended: number;
  closing: number;
}

/** The answer of `POST /api/active-strategies/:id/sell`: the activation, and the close job queued. */
export interface SellResult {
  activation: Activation;
  jobId: string;
}
