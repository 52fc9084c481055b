import type { HeartbeatSignal } from '../../core/realtime/events';
import type { HeartbeatState, LiveStrategiesState, MarketsState } from '../../core/status';
import type { Timeframe } from '../../queues/names';

// The JSON of the status and heartbeat routes; the web app reads its types from here. Dates go out as ISO strings.

/** `GET /api/status`: the header's status bar. */
export interface AppStatus {
  heartbeat: HeartbeatState;
  markets: MarketsState;
  liveStrategies: LiveStrategiesState;
  testnet: boolean;
  debugActive: boolean;
}

/** `GET /api/heartbeat/status`: the Heartbeat page's state of the feed. */
export interface HeartbeatStatus extends HeartbeatState {
  symbols: string[];
  lastApplicationStart: Date | null;
  lastApplicationStop: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  lastSignalAt: Date | null;
  alerts: { id: number; message: string; createdAt: Date }[];
  timeframes: readonly Timeframe[];
}

/** `GET /api/heartbeat/history`: the last signals, newest first. */
export interface HeartbeatHistory {
  signals: HeartbeatSignal[];
}
