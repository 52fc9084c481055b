import type { Queue } from 'bullmq';
import type Redis from 'ioredis';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { SimulationSettings } from '../../core/backtest/engine';
import { packEquity } from '../../core/backtest/equity-store';
import { computeStats, equityCurve } from '../../core/backtest/stats';
import {
  BACKTEST_TIMEFRAMES,
  loadColumns,
  missingRanges,
  type CandleKey,
  type BacktestTimeframe,
} from '../../core/candles/history';
import { candleStoreKey } from '../../core/candles/candle-sources';
import { decimalFromFloat } from '../../core/decimal';
import { AppError, NotFoundError } from '../../core/errors';
import { findExchange } from '../../core/exchanges/catalog';
import type { ExchangeClients } from '../../core/exchanges/ccxt-client';
import type { RequestPacer } from '../../core/exchanges/request-pacer';
import type { EventPublisher } from '../../core/realtime/publisher';
import { StrategyError } from '../../core/sandbox/strategy-error';
import type { SandboxLimits } from '../../core/sandbox/limits';
import type { SandboxPool } from '../../core/sandbox/sandbox-pool';
import { jobIds } from '../../queues/jobs';
import { QUEUES } from '../../queues/names';
import type { ActorDefinition } from '../host';
import { downloadGaps } from './download';
import { simulateSandboxed } from './sandboxed-simulation';

export interface BacktestDeps {
  db: Knex;
  redis: Redis;
  prefix: string;
  clients: ExchangeClients;
  pacer: RequestPacer;
  publisher: EventPublisher;
  logger: Logger;
  /** Where simulations run, off this process's event loop (the broker actors' orders share it). */
  sandbox: SandboxPool;
  /** The sandbox limits of a run over that many candles (see backtestLimits). */
  limits(candles: number): SandboxLimits;
}

export const backtestCancelKey = (prefix: string, id: number) => `${prefix}:backtest-cancel:${id}`;

/** Asks for a run; the job id is the run's, so asking twice never runs it twice. */
export async function requestBacktest(queue: Queue, id: number): Promise<void> {
  await queue.add('run', { id }, { jobId: jobIds.backtest(id), removeOnComplete: true, removeOnFail: true });
}

type Phase = 'loading' | 'running';
const CANCEL_POLL_MS = 200;
const TRADE_CHUNK = 1000;

class Cancelled extends Error {}

/** One run: missing candles downloaded (cancellable), the strategy simulated (cancellable), the result stored. */
export async function runBacktest(deps: BacktestDeps, id: number): Promise<string> {
  const { db } = deps;
  const row = await db('backtest_results').where({ id }).first();
  if (!row || !['queued', 'loading', 'running'].includes(row.status)) return row?.status ?? 'missing';
  const userId = Number(row.user_id);
  let lastPercent = -1;
  let lastPhase: Phase | null = null;
  let lastPoll = 0;

  const report = async (phase: Phase, percent: number) => {
    const whole = Math.min(100, Math.floor(percent));
    if (whole === lastPercent && phase === lastPhase) return;
    lastPercent = whole;
    lastPhase = phase;
    await db('backtest_results').where({ id }).update({ status: phase, progress: whole });
    await deps.publisher.publish('backtest:progress', { id, status: phase, percent: whole }, { userId });
  };
  const stopRequested = async (): Promise<boolean> => {
    const now = Date.now();
    if (now - lastPoll < CANCEL_POLL_MS) return false;
    lastPoll = now;
    return (await deps.redis.exists(backtestCancelKey(deps.prefix, id))) === 1;
  };
  const finish = async (status: 'completed' | 'failed' | 'cancelled', fields: Record<string, unknown> = {}) => {
    await db('backtest_results')
      .where({ id })
      .update({ status, finished_at: new Date(), stopped_phase: lastPhase, ...fields });
    await deps.redis.del(backtestCancelKey(deps.prefix, id));
    await deps.publisher.publish('backtest:progress', { id, status, percent: lastPercent }, { userId });
    return status;
  };

  try {
    const strategy = row.strategy_id
      ? await db('strategies').where({ id: row.strategy_id, user_id: userId }).first()
      : null;
    if (!strategy) throw new NotFoundError('La stratégie de ce backtest a été supprimée.');
    const source = (await candleStoreKey(db, userId, row.source)) ?? row.source;
    const key: CandleKey = { source, symbol: row.symbol, timeframe: row.timeframe as BacktestTimeframe };
    const from = new Date(row.start_date).getTime();
    const to = new Date(row.end_date).getTime();

    await report('loading', 0);
    if (findExchange(key.source) && key.source !== 'paper') {
      const gaps = await missingRanges(db, key, from, to);
      const complete = await downloadGaps(deps, key, gaps, {
        checkpoint: async (done) => {
          await report('loading', done * 100);
          return stopRequested();
        },
      });
      if (!complete) throw new Cancelled();
    }
    const loaded = await loadColumns(db, key, from, to);
    if (loaded.close.length === 0) {
      throw new NotFoundError(`Aucune bougie ${key.symbol} ${key.timeframe} pour « ${row.source} » sur cette période.`);
    }
    await report('loading', 100);

    const settings: SimulationSettings = {
      initialAmount: String(row.initial_amount),
      fee: String(row.fee),
      slippage: String(row.slippage),
      fill: row.fill,
      market: row.market,
      timeframeMs: BACKTEST_TIMEFRAMES[key.timeframe],
      params: row.params ?? undefined,
    };
    await report('running', 0);
    const input = { code: strategy.code, limits: deps.limits(loaded.close.length), candles: loaded, settings };
    const answer = await simulateSandboxed(deps.sandbox, `user:${userId}`, input, {
      progress: (percent) => report('running', percent),
      stopRequested,
      pollMs: CANCEL_POLL_MS,
    });
    if (!answer) throw new Cancelled();
    const { simulation, candles } = answer;

    const stats = computeStats(
      simulation.trades,
      simulation.equity,
      simulation.exposedCandles,
      simulation.finalBalance,
      candles,
      settings,
    );
    await db.transaction(async (trx) => {
      await trx('backtest_trades').where({ backtest_id: id }).delete();
      await trx('backtest_equity')
        .insert({ backtest_id: id, points: packEquity(simulation.equity, candles.time) })
        .onConflict('backtest_id')
        .merge();
      const trades = simulation.trades.map((t) => ({
        backtest_id: id,
        side: t.side,
        entry_time: new Date(t.entryTime),
        exit_time: new Date(t.exitTime),
        entry_price: decimalFromFloat(t.entryPrice),
        exit_price: decimalFromFloat(t.exitPrice),
        quantity: decimalFromFloat(t.quantity),
        fees: decimalFromFloat(t.fees),
        pnl: decimalFromFloat(t.pnl),
        balance_after: decimalFromFloat(t.balanceAfter),
        exit_reason: t.exitReason,
      }));
      for (let i = 0; i < trades.length; i += TRADE_CHUNK)
        await trx('backtest_trades').insert(trades.slice(i, i + TRADE_CHUNK));
      await trx('backtest_results')
        .where({ id })
        .update({
          status: 'completed',
          progress: 100,
          finished_at: new Date(),
          final_amount: stats.finalAmount,
          total_trades: stats.totalTrades,
          winning_trades: stats.winningTrades,
          losing_trades: stats.losingTrades,
          max_drawdown: stats.maxDrawdown,
          sharpe_ratio: stats.sharpe,
          stats: JSON.stringify({
            ...stats,
            equity: equityCurve(simulation.equity, candles.time),
            logs: simulation.logs,
          }),
        });
    });
    lastPercent = 100;
    await deps.publisher.publish('backtest:progress', { id, status: 'completed', percent: 100 }, { userId });
    return 'completed';
  } catch (error) {
    if (error instanceof Cancelled) return finish('cancelled');
    const where = error instanceof StrategyError && error.line ? ` (ligne ${error.line})` : '';
    deps.logger[isOurs(error) ? 'info' : 'error']({ backtest: id, err: error }, 'backtest failed');
    return finish('failed', {
      error_message: `${failureMessage(error, id)}${where}`,
      stats: error instanceof StrategyError ? JSON.stringify({ error: error.toJSON() }) : null,
    });
  }
}

/** Errors whose message is written for the user: the strategy's own, and our French refusals. */
function isOurs(error: unknown): error is Error {
  return error instanceof StrategyError || error instanceof AppError;
}

/**
 * What the user reads of a failed run. Anything else (a database error quoting its SQL, a library's message) stays
 * in the log under the run's id.
 */
function failureMessage(error: unknown, id: number): string {
  if (isOurs(error)) return error.message;
  // numeric_value_out_of_range: amounts grown past what the result columns hold.
  if ((error as { code?: unknown })?.code === '22003') {
    return 'Résultat trop grand pour être enregistré : réduisez le montant de départ';
  }
  return `Erreur interne pendant le backtest n° ${id} : le détail est dans le journal du serveur`;
}

export function backtestActor(deps: BacktestDeps): ActorDefinition {
  return {
    queue: QUEUES.backtest,
    process: async (job) => runBacktest(deps, Number(job.data.id)),
  };
}
