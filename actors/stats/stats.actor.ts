import { SCHEDULES } from '../../queues/jobs';
import { QUEUES } from '../../queues/names';
import { takeDueSnapshots, type SnapshotDeps } from '../../core/stats/snapshots';
import type { ActorDefinition } from '../host';

/**
 * The stats actor: the balance history's snapshots, every minute, for whichever brokers are due. Each snapshot has a
 * key (its hour, or its fill), so two runs at once or a run retried store it once.
 */
export function statsActor(deps: SnapshotDeps): ActorDefinition {
  return {
    queue: QUEUES.stats,
    process: async (job) => {
      if (job.name !== SCHEDULES.balanceSnapshots.name) throw new Error(`unknown stats job ${job.name}`);
      return takeDueSnapshots(deps);
    },
    schedules: [{ name: SCHEDULES.balanceSnapshots.name, everyMs: SCHEDULES.balanceSnapshots.everyMs }],
  };
}
