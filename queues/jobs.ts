import type { QueueName, Timeframe } from './names';

/** Every job: its queue, its name and its payload. Payloads are stored in clear in Redis: never a secret here. */
export type JobItem =
  | { queue: 'system'; name: 'watchdog'; data: Record<string, never> }
  | { queue: 'system'; name: 'pending-trades'; data: Record<string, never> }
  | { queue: 'system'; name: 'open-trades'; data: Record<string, never> }
  | { queue: 'tick'; name: 'tick'; data: { timeframe: Timeframe; closeTime: number } };

export type JobName<Q extends QueueName> = Extract<JobItem, { queue: Q }>['name'];
export type JobData<Q extends QueueName, N extends string> = Extract<JobItem, { queue: Q; name: N }>['data'];

/**
 * Job ids, all in one place. A business key makes the id deterministic, so a replayed signal or a retried request
 * dedupes in BullMQ instead of running twice. BullMQ forbids `:` in custom ids and all-digit ids, hence the dashes and
 * the leading word.
 */
export const jobIds = {
  /** One tick per timeframe close, whichever heartbeat process saw it. */
  tick: (timeframe: Timeframe, closeTime: number) => `tick-${timeframe}-${closeTime}`,
};

/** Periodic jobs, registered with `upsertJobScheduler` so that several workers never duplicate them. */
export const SCHEDULES = {
  watchdog: { queue: 'system', name: 'watchdog', everyMs: 15_000 },
  /** Trades left pending with no job to finish them are looked up at their exchange (see sweepPendingTrades). */
  pendingTrades: { queue: 'system', name: 'pending-trades', everyMs: 60_000 },
  /** Open trades (resting limit orders) are asked for at their exchange, fills recorded (see sweepOpenTrades). */
  openTrades: { queue: 'system', name: 'open-trades', everyMs: 30_000 },
} as const satisfies Record<string, { queue: QueueName; name: string; everyMs: number }>;
