/**
 * Events pushed to browsers over Socket.IO. Imported by the frontend too, so server and UI agree on names and
 * payloads. Any process publishes them through Redis (`core/realtime/publisher.ts`); the web process relays them.
 */
export interface ServerToClientEvents {
  /** Something the status bar shows changed (heartbeat up/down, debug mode…): refetch /api/status. */
  'status:changed': (payload: { reason: string }) => void;
  /** `Heartbeat`: candles closed (one signal per symbol and timeframe), newest last. Times are epoch ms (UTC). */
  'heartbeat:signals': (payload: { signals: HeartbeatSignal[] }) => void;
  /**
   * `StreamBrut`: the raw Binance messages received since the last batch (sent every 200 ms). At most the last 60
   * are carried, the page shows no more; `received` counts them all.
   */
  'heartbeat:stream': (payload: { messages: string[]; received: number }) => void;
  /**
   * The markets actor's progress loading an exchange's markets into `exchange_symbols` (status bar:
   * `Chargement 'binance' 42%`); `done` with `count` when stored, `error` when it failed.
   */
  'markets:progress': (payload: {
    exchange: string;
    percent: number;
    done: boolean;
    count?: number;
    error?: string;
  }) => void;
  /** One of the user's trades was written or changed (order placed, filled, cancelled): refetch the lists. */
  'trades:changed': (payload: { brokerId: number; tradeId: number; status: string }) => void;
  /**
   * A backtest's phase and progress: `loading` (candles downloaded/read), `running` (simulation), then one of
   * `completed`, `failed`, `cancelled`: refetch the run.
   */
  'backtest:progress': (payload: {
    id: number;
    status: 'loading' | 'running' | 'completed' | 'failed' | 'cancelled';
    percent: number;
  }) => void;
  /**
   * A parameter sweep moved: `loading` its candles, `running` with `done` of `total` runs in `phase` (in-sample, then
   * out-of-sample), then `completed`, `failed` or `cancelled`: refetch it.
   */
  'sweep:progress': (payload: {
    id: number;
    status: 'queued' | 'loading' | 'running' | 'completed' | 'failed' | 'cancelled';
    phase: 'in' | 'out';
    done: number;
    total: number;
  }) => void;
  /**
   * One of the user's activations changed (`Trading BOT`): an evaluation ran (`evaluated`), an order was placed for
   * it (`order`), it failed (`error`, with the message), or its state or position changed (`state`): refetch it.
   */
  'live:activation': (payload: {
    id: number;
    kind: 'evaluated' | 'order' | 'error' | 'state';
    closeTime?: number;
    message?: string;
  }) => void;
  /**
   * One of the user's webhooks was received or its status changed (`received`, then `processed` with its trade,
   * `failed`, `rejected` or `duplicate`): refetch the log.
   */
  'webhook:changed': (payload: {
    id: number;
    sourceId: number | null;
    status: 'received' | 'processed' | 'failed' | 'rejected' | 'duplicate';
  }) => void;
  /** The signed-in user's account changed in another tab or device (preferences). */
  'account:updated': (payload: {
    theme: 'dark' | 'light';
    displayTimezone: 'UTC' | 'local';
    language: 'fr' | 'en';
  }) => void;
}

export interface HeartbeatSignal {
  symbol: string;
  timeframe: string;
  /** Open time of the candle that closed. */
  candleTime: number;
  receivedAt: number;
  backfilled: boolean;
}

export type ServerEventName = keyof ServerToClientEvents;
export type ServerEventPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];

/** Who receives an event: one user's browsers, or every signed-in browser. */
export type EventTarget = { userId: number } | 'all';

/** The envelope that travels on the Redis channel. */
export interface EventEnvelope<E extends ServerEventName = ServerEventName> {
  event: E;
  payload: ServerEventPayload<E>;
  target: EventTarget;
}

export const userRoom = (userId: number) => `user:${userId}`;
export const ALL_USERS_ROOM = 'users';
