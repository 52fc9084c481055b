import type { TradeView } from './trading';

/** The open position of an activation, decimals as strings (see /work/tools/LIVE-CONTRACT.md). */
export interface ActivationPosition {
  id: number;
  side: 'long' | 'short';
  quantity: string;
  entryPrice: string;
  stopLoss: string | null;
  takeProfit: string | null;
  lastPrice: string | null;
  unrealizedPnl: string | null;
  openedAt: string;
}

export type ActivationState = 'active' | 'suspended' | 'stopped';

/** An activation of `GET /api/active-strategies`: a strategy running on a broker's market between two dates. */
export interface Activation {
  id: number;
  strategyId: number;
  strategyName: string;
  brokerId: number;
  brokerName: string;
  exchange: string;
  symbol: string;
  timeframe: string;
  market: 'spot' | 'futures';
  startDate: string;
  endDate: string;
  budget: string | null;
  /** Its open position is closed at market once the end date passes (while active). */
  closeAtEnd: boolean;
  state: ActivationState;
  suspendedBy: 'user' | 'errors' | 'emergency' | null;
  lastError: string | null;
  lastErrorAt: string | null;
  errorCount: number;
  lastCloseTime: string | null;
  position: ActivationPosition | null;
  realizedPnl: string;
  /** The last 10 trades, newest first. */
  trades?: TradeView[];
}

/** The body of `POST /api/active-strategies`. */
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
