import type { Queue } from 'bullmq';
import type { Knex } from 'knex';
import { SCHEDULES, type JobData } from '../../queues/jobs';
import { QUEUES } from '../../queues/names';
import type { ActorDefinition } from '../host';
import { dispatchTick, sweepTicks } from './dispatcher';
import { BalanceMemo } from './balance-memo';
import { evaluateClose, type LiveDeps } from './evaluation';
import { closeEnded, closePosition, protectPositions } from './position-exits';

/** The dispatcher: each tick fans out to the activations of its timeframe; a sweep re-queues lost ticks. */
export function tickActor(deps: {
  db: Knex;
  strategyQueue: Queue;
  tickQueue: Queue;
  replayMaxMs: number;
  now?: () => number;
}): ActorDefinition {
  const now = deps.now ?? Date.now;
  return {
    queue: QUEUES.tick,
    process: async (job) => {
      if (job.name === SCHEDULES.tickSweep.name) return sweepTicks(deps.db, deps.tickQueue, now(), deps.replayMaxMs);
      const tick = job.data as JobData<'tick', 'tick'>;
      return dispatchTick(deps.db, deps.strategyQueue, tick, now(), deps.replayMaxMs);
    },
    schedules: [{ name: SCHEDULES.tickSweep.name, everyMs: SCHEDULES.tickSweep.everyMs }],
  };
}

/**
 * The strategy actor: evaluations on each close, closes asked by users, stop-loss and take-profit checks. Any number
 * of worker processes share its queue; one activation is worked on by one of them at a time (its row lock).
 */
export function strategyActor(options: LiveDeps & { concurrency: number; lockMs: number }): ActorDefinition {
  const deps = { ...options, balances: options.balances ?? new BalanceMemo() };
  return {
    queue: QUEUES.strategy,
    concurrency: deps.concurrency,
    lockMs: deps.lockMs,
    process: async (job) => {
      switch (job.name) {
        case 'evaluate': {
          const { activeStrategyId, closeTime } = job.data as JobData<'strategy', 'evaluate'>;
          return evaluateClose(deps, activeStrategyId, closeTime);
        }
        case 'close': {
          const { activeStrategyId, positionId, reason } = job.data as JobData<'strategy', 'close'>;
          return closePosition(deps, activeStrategyId, positionId, reason);
        }
        case SCHEDULES.protect.name: {
          const now = Date.now();
          // Stops first: a wick is time-critical, a period's end a minute either way is not.
          return (await protectPositions(deps, now)) + (await closeEnded(deps, now));
        }
        default:
          throw new Error(`unknown strategy job ${job.name}`);
      }
    },
    schedules: [{ name: SCHEDULES.protect.name, everyMs: SCHEDULES.protect.everyMs }],
  };
}
