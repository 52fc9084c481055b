import type { Knex } from 'knex';
import type { SimulationSettings } from '../../core/backtest/engine';
import { computeStats } from '../../core/backtest/stats';
import { BACKTEST_TIMEFRAMES, loadColumns, type BacktestTimeframe } from '../../core/candles/history';
import { candleStoreKey } from '../../core/candles/candle-sources';
import { decimalFromFloat } from '../../core/decimal';
import { AppError } from '../../core/errors';
import type { CandleColumns } from '../../core/sandbox/strategy-runner';
import { StrategyError } from '../../core/sandbox/strategy-error';
import { metricOf, type RankBy } from '../../core/sweeps/ranking';
import type { SweepPhase } from '../../queues/jobs';
import { simulateSandboxed } from '../backtest/sandboxed-simulation';
import type { SweepDeps } from './sweep.actor';
import { publishSweepProgress, sweepCancelKey, type SweepRow } from './sweep-progress';

const CANCEL_POLL_MS = 200;
/** Candle sets a worker keeps: a sweep's two periods, or two sweeps at once. */
const KEPT = 2;

/**
 * The candles of a sweep's period, read once per worker process and reused by every combination it runs (a year
 * of 1m candles is 25 MB and a second to read). Evicted oldest first.
 */
export class SweepCandles {
  private readonly kept = new Map<string, Promise<CandleColumns>>();

  get(db: Knex, sweep: SweepRow, phase: SweepPhase): Promise<CandleColumns> {
    const key = `${sweep.id}:${phase}`;
    let columns = this.kept.get(key);
    if (columns) {
      this.kept.delete(key);
    } else {
      columns = loadPeriod(db, sweep, phase);
      columns.catch(() => this.kept.delete(key));
    }
    this.kept.set(key, columns);
    while (this.kept.size > KEPT) this.kept.delete(this.kept.keys().next().value!);
    return columns;
  }
}

export function periodOf(sweep: SweepRow, phase: SweepPhase): { from: number; to: number } {
  return phase === 'in'
    ? { from: new Date(sweep.start_date).getTime(), to: new Date(sweep.end_date).getTime() }
    : { from: new Date(sweep.oos_start!).getTime(), to: new Date(sweep.oos_end!).getTime() };
}

async function loadPeriod(db: Knex, sweep: SweepRow, phase: SweepPhase): Promise<CandleColumns> {
  const source = (await candleStoreKey(db, Number(sweep.user_id), sweep.source)) ?? sweep.source;
  const { from, to } = periodOf(sweep, phase);
  return loadColumns(db, { source, symbol: sweep.symbol, timeframe: sweep.timeframe as BacktestTimeframe }, from, to);
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
    const candles = await deps.candles.get(db, sweep, phase);
    if (candles.close.length === 0) throw new StrategyError('Aucune bougie sur cette période.');
    const settings = settingsOf(sweep, run.params);
    let lastPoll = 0;
    const answer = await simulateSandboxed(
      deps.sandbox,
      `user:${sweep.user_id}`,
      { code: strategy.code, limits: deps.limits(candles.close.length), candles, settings, keepCandles: true },
      {
        progress: async () => {},
        stopRequested: async () => {
          if (Date.now() - lastPoll < CANCEL_POLL_MS) return false;
          lastPoll = Date.now();
          return (await deps.redis.exists(sweepCancelKey(deps.prefix, sweepId))) === 1;
        },
        pollMs: CANCEL_POLL_MS,
      },
    );
    if (!answer) return end('cancelled', {});
    const { simulation } = answer;
    const stats = computeStats(
      simulation.trades,
      simulation.equity,
      simulation.exposedCandles,
      simulation.finalBalance,
      candles,
      settings,
    );
    return end('completed', {
      stats: JSON.stringify(stats),
      final_amount: decimalFromFloat(simulation.finalBalance),
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
