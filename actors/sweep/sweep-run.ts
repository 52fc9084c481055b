import type { Knex } from 'knex';
import type { SimulationSettings } from '../../core/backtest/engine';
import { BACKTEST_TIMEFRAMES, loadColumns, type BacktestTimeframe, type CandleKey } from '../../core/candles/history';
import { candleStoreKey } from '../../core/candles/candle-sources';
import { decimalFromFloat } from '../../core/decimal';
import { AppError } from '../../core/errors';
import type { CandleColumns } from '../../core/sandbox/strategy-runner';
import { StrategyError } from '../../core/sandbox/strategy-error';
import { metricOf, type RankBy } from '../../core/sweeps/ranking';
import type { SweepPhase } from '../../queues/jobs';
import { sweepRunInPool } from '../../core/sandbox/sandbox-pool-tasks';
import { cancellable } from '../backtest/sandboxed-simulation';
import type { SweepDeps } from './sweep.actor';
import { publishSweepProgress, sweepCancelKey, type SweepRow } from './sweep-progress';

const CANCEL_POLL_MS = 200;
/** Candle sets a worker keeps: a sweep's two periods, or two sweeps at once. */
const KEPT = 2;

/**
 * The candles of a sweep's period, read once per worker process and reused by every combination it runs (a year
 * of 1m candles is 25 MB and a second to read): handed to a sandbox child only when it lacks them (it keeps its own
 * copy). Evicted oldest first.
 */
export class SweepCandles {
  private readonly kept = new Map<string, Promise<CandleColumns>>();
  private readonly counts = new Map<string, Promise<number>>();

  get(db: Knex, sweep: SweepRow, phase: SweepPhase): Promise<CandleColumns> {
    return this.keep(this.kept, `${sweep.id}:${phase}`, () => loadPeriod(db, sweep, phase));
  }

  /** How many candles the period holds (the run's CPU budget), without reading them. */
  count(db: Knex, sweep: SweepRow, phase: SweepPhase): Promise<number> {
    return this.keep(this.counts, `${sweep.id}:${phase}`, () => countPeriod(db, sweep, phase));
  }

  private keep<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
    let value = map.get(key);
    if (value) {
      map.delete(key);
    } else {
      value = load();
      value.catch(() => map.delete(key));
    }
    map.set(key, value);
    while (map.size > KEPT) map.delete(map.keys().next().value!);
    return value;
  }
}

export function periodOf(sweep: SweepRow, phase: SweepPhase): { from: number; to: number } {
  return phase === 'in'
    ? { from: new Date(sweep.start_date).getTime(), to: new Date(sweep.end_date).getTime() }
    : { from: new Date(sweep.oos_start!).getTime(), to: new Date(sweep.oos_end!).getTime() };
}

async function keyOf(db: Knex, sweep: SweepRow): Promise<CandleKey> {
  const source = (await candleStoreKey(db, Number(sweep.user_id), sweep.source)) ?? sweep.source;
  return { source, symbol: sweep.symbol, timeframe: sweep.timeframe as BacktestTimeframe };
}

async function loadPeriod(db: Knex, sweep: SweepRow, phase: SweepPhase): Promise<CandleColumns> {
  const { from, to } = periodOf(sweep, phase);
  return loadColumns(db, await keyOf(db, sweep), from, to);
}

async function countPeriod(db: Knex, sweep: SweepRow, phase: SweepPhase): Promise<number> {
  const { from, to } = periodOf(sweep, phase);
  const [{ count }] = await db('candles')
    .where(await keyOf(db, sweep))
    .where('open_time', '>=', new Date(from))
    .where('open_time', '<', new Date(to))
    .count<{ count: string }[]>('* as count');
  return Number(count);
}

export function settingsOf(sweep: SweepRow, params: Record<string, number>): SimulationSettings {
  return {
    initialAmount: String(sweep.initial_amount),
    fee: String(sweep.fee),
    slippage: String(sweep.slippage),
    fill: sweep.fill,
    market: sweep.market,
    timeframeMs: BACKTEST_TIMEFRAMES[sweep.timeframe as BacktestTimeframe],
    params,
  };
}

/**
 * One combination on one period. Its row is written once: only a `queued` row is run and completed, so a retried
 * job or a second worker finds it done. A cancelled sweep's runs end at once (waiting ones never simulate).
 */
export async function runSweepRun(deps: SweepDeps, sweepId: number, runId: number): Promise<string> {
  const { db } = deps;
  const run = await db('sweep_runs').where({ id: runId, sweep_id: sweepId }).first();
  if (!run || run.status !== 'queued') return run?.status ?? 'missing';
  const sweep: SweepRow | undefined = await db('sweeps').where({ id: sweepId }).first();
  const phase = run.phase as SweepPhase;
  const end = async (status: string, fields: Record<string, unknown>) => {
    await db('sweep_runs')
      .where({ id: runId, status: 'queued' })
      .update({ status, finished_at: new Date(), ...fields });
    if (sweep) await publishSweepProgress(deps, sweep, phase);
    return status;
  };
  if (!sweep || sweep.status !== 'running') return end('cancelled', {});
  const started = Date.now();
  try {
    const strategy = sweep.strategy_id
      ? await db('strategies').where({ id: sweep.strategy_id, user_id: sweep.user_id }).first()
      : null;
    if (!strategy) throw new StrategyError('La stratégie de cette optimisation a été supprimée.');
    const count = await deps.candles.count(db, sweep, phase);
    if (count === 0) throw new StrategyError('Aucune bougie sur cette période.');
    const input = {
      code: strategy.code,
      limits: deps.limits(count),
      settings: settingsOf(sweep, run.params),
      candlesKey: `${sweep.id}:${phase}`,
    };
    const answer = await cancellable(
      {
        progress: async () => {},
        stopRequested: async () => (await deps.redis.exists(sweepCancelKey(deps.prefix, sweepId))) === 1,
        pollMs: CANCEL_POLL_MS,
      },
      (signal) =>
        sweepRunInPool(deps.sandbox, `user:${sweep.user_id}`, input, () => deps.candles.get(db, sweep, phase), {
          signal,
        }),
    );
    if (!answer || answer.cancelled) return end('cancelled', {});
    const { stats } = answer;
    return end('completed', {
      stats: JSON.stringify(stats),
      final_amount: decimalFromFloat(answer.finalBalance),
      metric: metricOf(stats, sweep.rank_by as RankBy),
      duration_ms: Date.now() - started,
      worker: deps.workerName,
    });
  } catch (error) {
    if (!(error instanceof StrategyError || error instanceof AppError)) throw error;
    const where = error instanceof StrategyError && error.line ? ` (ligne ${error.line})` : '';
    return end('failed', {
      error_message: `${error.message}${where}`,
      duration_ms: Date.now() - started,
      worker: deps.workerName,
    });
  }
}
