import type { Queue } from 'bullmq';
import type { Knex } from 'knex';
import { TIMEFRAME_MS, isTimeframe, type Timeframe } from '../../core/candles/timeframes';
import { jobIds } from '../../queues/jobs';
import { queueEvaluate } from '../../queues/strategy-jobs';

/**
 * A tick (a timeframe closed at `closeTime`) becomes one `evaluate` job per activation of that timeframe that is
 * active and within its dates. A tick older than the replay window does nothing: a strategy must not act on a
 * close it learns of minutes late (a worker back from a long outage, a replayed backlog).
 */
export async function dispatchTick(
  db: Knex,
  strategyQueue: Queue,
  tick: { timeframe: Timeframe; closeTime: number },
  now: number,
  replayMaxMs: number,
): Promise<number> {
  if (now - (tick.closeTime + 1) > replayMaxMs) return 0;
  const at = new Date(tick.closeTime);
  const rows: { id: number }[] = await db('active_strategies')
    .where({ timeframe: tick.timeframe, state: 'active' })
    .where('start_date', '<=', at)
    .where('end_date', '>=', at)
    .select('id');
  for (const row of rows)
    await queueEvaluate(strategyQueue, { activeStrategyId: Number(row.id), closeTime: tick.closeTime });
  return rows.length;
}

/**
 * Ticks are never lost: the heartbeat stores a close's signal before it queues its tick, so a tick whose queueing
 * failed (Redis away a moment, the process killed in between) is re-derived here from `candles_heartbeat`, within the
 * replay window. A tick already queued keeps its id and is not added twice; a tick run twice queues evaluations that
 * exist already (their ids are the activation and the close).
 */
export async function sweepTicks(db: Knex, tickQueue: Queue, now: number, replayMaxMs: number): Promise<number> {
  const rows: { signal_type: string; candle_time: Date }[] = await db('candles_heartbeat')
    .where('received_at', '>=', new Date(now - replayMaxMs))
    .distinct('signal_type', 'candle_time');
  let queued = 0;
  for (const row of rows) {
    if (!isTimeframe(row.signal_type)) continue;
    const closeTime = new Date(row.candle_time).getTime() + TIMEFRAME_MS[row.signal_type] - 1;
    if (now - (closeTime + 1) > replayMaxMs) continue;
    const id = jobIds.tick(row.signal_type, closeTime);
    if (await tickQueue.getJob(id)) continue;
    await tickQueue.add('tick', { timeframe: row.signal_type, closeTime }, { jobId: id });
    queued++;
  }
  return queued;
}
