import type { JobsOptions } from 'bullmq';
import { clientOrderId } from '../core/trading/client-order-id';
import type { QueueName, Timeframe } from './names';

/** Every job: its queue, its name and its payload. Payloads are stored in clear in Redis: never a secret here. */
export type JobItem =
  | { queue: 'system'; name: 'watchdog'; data: Record<string, never> }
  | { queue: 'system'; name: 'pending-trades'; data: Record<string, never> }
  | { queue: 'system'; name: 'open-trades'; data: Record<string, never> }
  | { queue: 'tick'; name: 'tick'; data: { timeframe: Timeframe; closeTime: number } }
  | { queue: 'tick'; name: 'sweep'; data: Record<string, never> }
  | { queue: 'strategy'; name: 'evaluate'; data: { activeStrategyId: number; closeTime: number } }
  /** Closes an activation's open position at market now (Vendre, Stop, the emergency stop). */
  | { queue: 'strategy'; name: 'close'; data: { activeStrategyId: number; positionId: number; reason: CloseReason } }
  /** Checks every open position's stop-loss and take-profit against the 1m candles since the last check. */
  | { queue: 'strategy'; name: 'protect'; data: Record<string, never> }
  | { queue: 'markets'; name: 'load'; data: { exchange: string } }
  | { queue: 'backtest'; name: 'run'; data: { id: number } }
  /** Downloads what a sweep's periods lack, then adds its in-sample runs under their gather job. */
  | { queue: 'sweep'; name: 'prepare'; data: { sweepId: number } }
  /** One combination of a sweep on one period (a `sweep_runs` row). */
  | { queue: 'sweep'; name: 'run'; data: { sweepId: number; runId: number } }
  /** The parent of a phase's runs: ranks them, then adds the out-of-sample phase or ends the sweep. */
  | { queue: 'sweep'; name: 'gather'; data: { sweepId: number; phase: SweepPhase } }
  /** Turns one stored webhook (a row of `webhooks`, status `received`) into orders. */
  | { queue: 'webhook'; name: 'process'; data: { webhookId: number } }
  /** Values every active broker whose snapshot of this hour, or of its latest fill, is not taken yet. */
  | { queue: 'stats'; name: 'snapshots'; data: Record<string, never> };

/** A sweep's in-sample runs, then the best combinations again on the out-of-sample dates. */
export type SweepPhase = 'in' | 'out';

/** Why a position is closed outside a strategy's own decision. */
export type CloseReason = 'sell' | 'stop' | 'emergency';

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
  /** One evaluation per activation and close, however many ticks or sweeps ask for it. */
  evaluate: (activeStrategyId: number, closeTime: number) => `evaluate-${activeStrategyId}-${closeTime}`,
  /** One close per position: two clicks on Vendre, or Vendre then the emergency stop, close it once. */
  close: (activeStrategyId: number, positionId: number) => `close-${activeStrategyId}-${positionId}`,
  backtest: (id: number) => `backtest-${id}`,
  sweepPrepare: (sweepId: number) => `sweep-${sweepId}-prepare`,
  /** One job per run row: asking twice (a retried parent) joins it. */
  sweepRun: (runId: number) => `sweep-run-${runId}`,
  sweepGather: (sweepId: number, phase: SweepPhase) => `sweep-${sweepId}-gather-${phase}`,
  /** One job per stored webhook: the endpoint and the recovery sweep may both queue it. */
  webhook: (webhookId: number) => `webhook-${webhookId}`,
  markets: (exchange: string) => `markets-${exchange}`,
  /** An order's job id is its client order id, itself derived from the order's business key. */
  order: (businessKey: string) => `order-${clientOrderId(businessKey)}`,
  /** The job of an order whose client order id is already known (from its trade). */
  orderOf: (clientOrderIdValue: string) => `order-${clientOrderIdValue}`,
  reconcile: (tradeId: number) => `reconcile-${tradeId}`,
  syncOpen: (brokerId: number) => `sync-open-${brokerId}`,
};

/**
 * Order business keys: the order's identity for its whole life (client order id, job id, trade). A strategy's entry
 * is keyed by the close that decided it, a close by the position it closes, so a retried or recovered evaluation
 * asks for the same orders.
 */
export const orderKeys = {
  manual: (userId: number, requestKey: string) => `manual:${userId}:${requestKey}`,
  strategy: (activeStrategyId: number, closeTime: number, leg: 'entry') =>
    `strategy:${activeStrategyId}:${closeTime}:${leg}`,
  /**
   * Every close of a position — the strategy's exit, Vendre, Stop, the emergency stop, a stop-loss or a target — is
   * the same order, so two of them at once (or one retried after a timeout) close it once. `attempt` counts the closes
   * the exchange refused: the next try is a new order.
   */
  positionClose: (activeStrategyId: number, positionId: number, attempt: number) =>
    `strategy:${activeStrategyId}:position-${positionId}:close-${attempt}`,
  /**
   * The close of a webhook source's position at its stop-loss or take-profit; `attempt` counts the closes the exchange
   * refused, as for a strategy's.
   */
  webhookPositionClose: (positionId: number, attempt: number) => `webhook-position:${positionId}:close-${attempt}`,
  /**
   * A position's stop-loss and take-profit resting at the exchange: one protection per position (its legs' client
   * order ids derive from this key with their role); once refused, cancelled or expired, the bot watches the levels.
   */
  protection: (activeStrategyId: number, positionId: number) =>
    `strategy:${activeStrategyId}:position-${positionId}:protect`,
  /**
   * A webhook's orders: `entry` opens (or adds), `close` closes the source's open position on that symbol (a `close`
   * signal, or the first leg of a reversal, whose second leg is the `entry`).
   */
  webhook: (webhookId: number, leg: 'entry' | 'close') => `webhook:${webhookId}:${leg}`,
};

/** Orders are retried (the actor looks the order up before sending again); the job keeps its answer for an hour. */
export const ORDER_JOB = (businessKey: string): JobsOptions => ({
  jobId: jobIds.order(businessKey),
  attempts: 3,
  backoff: { type: 'exponential', delay: 1000 },
});

/** Periodic jobs, registered with `upsertJobScheduler` so that several workers never duplicate them. */
export const SCHEDULES = {
  watchdog: { queue: 'system', name: 'watchdog', everyMs: 15_000 },
  /** Trades left pending with no job to finish them are looked up at their exchange (see sweepPendingTrades). */
  pendingTrades: { queue: 'system', name: 'pending-trades', everyMs: 60_000 },
  /** Open trades (resting limit orders) are asked for at their exchange, fills recorded (see sweepOpenTrades). */
  openTrades: { queue: 'system', name: 'open-trades', everyMs: 30_000 },
  /** Ticks the heartbeat stored but could not queue are queued again (see sweepTicks). */
  tickSweep: { queue: 'tick', name: 'sweep', everyMs: 60_000 },
  /** Stop-loss and take-profit of open positions, against the 1m candles (see the strategy actor). */
  protect: { queue: 'strategy', name: 'protect', everyMs: 60_000 },
  /** Webhooks stored but never queued (Redis away at that moment) are queued (see sweepWebhooks). */
  webhookSweep: { queue: 'webhook', name: 'sweep', everyMs: 30_000 },
  /** Stop-loss and take-profit of the webhook sources' positions (see protectWebhookPositions). */
  webhookProtect: { queue: 'webhook', name: 'protect', everyMs: 60_000 },
  /** Balance snapshots due (the hour's, a new fill's; see takeDueSnapshots): a fill is valued within a minute. */
  balanceSnapshots: { queue: 'stats', name: 'snapshots', everyMs: 60_000 },
} as const satisfies Record<string, { queue: QueueName; name: string; everyMs: number }>;
