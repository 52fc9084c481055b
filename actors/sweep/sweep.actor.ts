import type { FlowProducer } from 'bullmq';
import type Redis from 'ioredis';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { missingRanges, type BacktestTimeframe, type CandleKey } from '../../core/candles/history';
import { candleStoreKey } from '../../core/candles/candle-sources';
import { AppError } from '../../core/errors';
import { findExchange } from '../../core/exchanges/catalog';
import type { ExchangeClients } from '../../core/exchanges/ccxt-client';
import type { RequestPacer } from '../../core/exchanges/request-pacer';
import type { EventPublisher } from '../../core/realtime/publisher';
import type { SandboxLimits } from '../../core/sandbox/limits';
import type { SandboxPool } from '../../core/sandbox/sandbox-pool';
import { bestFirst, type RankBy } from '../../core/sweeps/ranking';
import type { SweepPhase } from '../../queues/jobs';
import { QUEUES } from '../../queues/names';
import { addSweepPhase } from '../../queues/sweep-jobs';
import { downloadGaps } from '../backtest/download';
import type { ActorDefinition } from '../host';
import { periodOf, runSweepRun, SweepCandles } from './sweep-run';
import { publishSweepProgress, sweepCancelKey, type SweepRow } from './sweep-progress';

export interface SweepDeps {
  db: Knex;
  redis: Redis;
  prefix: string;
  clients: ExchangeClients;
  pacer: RequestPacer;
  publisher: EventPublisher;
  logger: Logger;
  sandbox: SandboxPool;
  limits(candles: number): SandboxLimits;
  flows: FlowProducer;
  candles: SweepCandles;
  /** This worker's name in the runs it writes (host:pid). */
  workerName: string;
}

class Stopped extends Error {}

const over = (status: string) => ['completed', 'failed', 'cancelled'].includes(status);

async function finish(deps: SweepDeps, sweep: SweepRow, status: 'completed' | 'failed', error?: string) {
  const updated = await deps
    .db('sweeps')
    .where({ id: sweep.id })
    .whereIn('status', ['queued', 'loading', 'running'])
    .update({ status, finished_at: new Date(), error_message: error ?? null });
  if (updated) await publishSweepProgress(deps, sweep, sweep.phase, status);
  await deps.redis.del(sweepCancelKey(deps.prefix, sweep.id));
}

/**
 * Downloads what the in-sample and out-of-sample periods lack (stopped by a cancel), then adds the in-sample runs.
 * Asked again (a retried job), it adds the same jobs, which BullMQ keeps once.
 */
export async function prepareSweep(deps: SweepDeps, sweepId: number): Promise<string> {
  const { db } = deps;
  const sweep: SweepRow | undefined = await db('sweeps').where({ id: sweepId }).first();
  if (!sweep || over(sweep.status)) return sweep?.status ?? 'missing';
  try {
    if (sweep.status === 'queued') {
      await db('sweeps').where({ id: sweepId, status: 'queued' }).update({ status: 'loading', started_at: new Date() });
      await publishSweepProgress(deps, sweep, 'in', 'loading');
      const source = (await candleStoreKey(db, Number(sweep.user_id), sweep.source)) ?? sweep.source;
      const phases: SweepPhase[] = sweep.oos_start ? ['in', 'out'] : ['in'];
      for (const phase of phases) {
        const key: CandleKey = { source, symbol: sweep.symbol, timeframe: sweep.timeframe as BacktestTimeframe };
        if (!findExchange(key.source) || key.source === 'paper') continue;
        const { from, to } = periodOf(sweep, phase);
        const complete = await downloadGaps(deps, key, await missingRanges(db, key, from, to), {
          checkpoint: async () => (await deps.redis.exists(sweepCancelKey(deps.prefix, sweepId))) === 1,
        });
        if (!complete) throw new Stopped();
      }
      const moved = await db('sweeps').where({ id: sweepId, status: 'loading' }).update({ status: 'running' });
      if (!moved) return 'cancelled';
    }
    const runs = await db('sweep_runs').where({ sweep_id: sweepId, phase: 'in' }).orderBy('index').pluck('id');
    await addSweepPhase(deps.flows, sweepId, 'in', runs.map(Number));
    await publishSweepProgress(deps, sweep, 'in', 'running');
    return 'running';
  } catch (error) {
    if (error instanceof Stopped) return 'cancelled';
    if (!(error instanceof AppError)) throw error;
    await finish(deps, sweep, 'failed', error.message);
    return 'failed';
  }
}

const INTERNAL = 'Erreur interne pendant ce calcul : le détail est dans le journal du serveur';

/**
 * Once a phase's runs are done: runs left `queued` (their job failed for good) are marked failed; after the
 * in-sample phase, the best `oos_top` combinations are re-run on the out-of-sample dates; otherwise the sweep ends.
 */
export async function gatherSweep(deps: SweepDeps, sweepId: number, phase: SweepPhase): Promise<string> {
  const { db } = deps;
  const sweep: SweepRow | undefined = await db('sweeps').where({ id: sweepId }).first();
  if (!sweep || sweep.status !== 'running') return sweep?.status ?? 'missing';
  await db('sweep_runs')
    .where({ sweep_id: sweepId, phase, status: 'queued' })
    .update({ status: 'failed', error_message: INTERNAL, finished_at: new Date() });
  const order = bestFirst(sweep.rank_by as RankBy);
  if (phase === 'in' && sweep.oos_start && sweep.oos_top > 0) {
    const best = await db('sweep_runs')
      .where({ sweep_id: sweepId, phase: 'in', status: 'completed' })
      .orderByRaw(`metric ${order} nulls last, index`)
      .limit(sweep.oos_top);
    if (best.length) {
      await db('sweep_runs')
        .insert(
          best.map((r) => ({ sweep_id: sweepId, phase: 'out', index: r.index, params: JSON.stringify(r.params) })),
        )
        .onConflict(['sweep_id', 'phase', 'index'])
        .ignore();
      await db('sweeps').where({ id: sweepId }).update({ phase: 'out' });
      const runs = await db('sweep_runs').where({ sweep_id: sweepId, phase: 'out' }).orderBy('index').pluck('id');
      await addSweepPhase(deps.flows, sweepId, 'out', runs.map(Number));
      await publishSweepProgress(deps, sweep, 'out', 'running');
      return 'out-of-sample';
    }
  }
  const completed = await db('sweep_runs').where({ sweep_id: sweepId, phase: 'in', status: 'completed' }).first('id');
  if (completed) {
    await finish(deps, { ...sweep, phase }, 'completed');
    return 'completed';
  }
  const failure = await db('sweep_runs')
    .where({ sweep_id: sweepId, phase: 'in' })
    .whereNotNull('error_message')
    .first();
  await finish(deps, { ...sweep, phase }, 'failed', failure?.error_message ?? 'Aucune combinaison n’a abouti.');
  return 'failed';
}

export function sweepActor(deps: SweepDeps, concurrency: number, lockMs?: number): ActorDefinition {
  return {
    queue: QUEUES.sweep,
    concurrency,
    // A killed worker's run is taken over by another after about this long; the run itself is on a sandbox child,
    // so this process's event loop renews the lock meanwhile.
    lockMs,
    process: async (job) => {
      const data = job.data as { sweepId: number; runId?: number; phase?: SweepPhase };
      switch (job.name) {
        case 'prepare':
          return prepareSweep(deps, Number(data.sweepId));
        case 'run':
          return runSweepRun(deps, Number(data.sweepId), Number(data.runId));
        case 'gather':
          return gatherSweep(deps, Number(data.sweepId), data.phase!);
        default:
          throw new Error(`unknown sweep job ${job.name}`);
      }
    },
  };
}
