import type { Knex } from 'knex';
import type { EventPublisher } from '../../core/realtime/publisher';
import type { SweepPhase } from '../../queues/jobs';

/** A `sweeps` row as the actor reads it. */
export interface SweepRow {
  id: number;
  user_id: number;
  strategy_id: number | null;
  source: string;
  symbol: string;
  timeframe: string;
  start_date: Date;
  end_date: Date;
  oos_start: Date | null;
  oos_end: Date | null;
  oos_top: number;
  initial_amount: string;
  fee: string;
  slippage: string;
  fill: 'close' | 'next_open';
  market: 'spot' | 'futures';
  rank_by: string;
  status: 'queued' | 'loading' | 'running' | 'completed' | 'failed' | 'cancelled';
  phase: SweepPhase;
}

export const sweepCancelKey = (prefix: string, id: number) => `${prefix}:sweep-cancel:${id}`;

/** Runs of a phase that are over (whatever the outcome) and in all. */
export async function phaseCounts(
  db: Knex,
  sweepId: number,
  phase: SweepPhase,
): Promise<{ done: number; total: number }> {
  const row = await db('sweep_runs')
    .where({ sweep_id: sweepId, phase })
    .select(db.raw("count(*) filter (where status <> 'queued')::int as done"), db.raw('count(*)::int as total'))
    .first();
  return { done: row?.done ?? 0, total: row?.total ?? 0 };
}

export async function publishSweepProgress(
  deps: { db: Knex; publisher: EventPublisher },
  sweep: Pick<SweepRow, 'id' | 'user_id'>,
  phase: SweepPhase,
  status?: SweepRow['status'],
): Promise<void> {
  const counts = await phaseCounts(deps.db, sweep.id, phase);
  const now = status ?? (await deps.db('sweeps').where({ id: sweep.id }).first('status'))?.status ?? 'running';
  await deps.publisher.publish(
    'sweep:progress',
    { id: sweep.id, status: now, phase, ...counts },
    { userId: Number(sweep.user_id) },
  );
}
