export type { HeartbeatSignal } from '@core/realtime/events';
import type { DisplayTimezone, Language, Theme } from '@/stores/prefs';

export interface User {
  id: number;
  username: string;
  isAdmin: boolean;
  theme: Theme;
  displayTimezone: DisplayTimezone;
  language: Language;
  defaultBrokerId: number | null;
  createdAt: string;
}

export interface AppStatus {
  heartbeat: { active: boolean; coherent: boolean; processAlive: boolean; connected: boolean; lastSeen: string | null };
  markets: { count: number; exchanges: number };
  /** The status bar's "Stratégies live": activations running now, and those that errors suspended. */
  liveStrategies: { running: number; suspendedByErrors: number };
  testnet: boolean;
  debugActive: boolean;
}

export interface DebugState {
  available: boolean;
  active: boolean;
}

export interface SignedIn {
  user: User;
  csrfToken: string;
}

export interface HeartbeatStatus {
  active: boolean;
  coherent: boolean;
  processAlive: boolean;
  connected: boolean;
  lastSeen: string | null;
  symbols: string[];
  lastApplicationStart: string | null;
  lastApplicationStop: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  lastSignalAt: string | null;
  alerts: { id: number; message: string; createdAt: string }[];
  timeframes: string[];
}
