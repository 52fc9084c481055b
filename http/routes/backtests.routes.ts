import { stringify } from 'csv-stringify/sync';
import { Router, type Response } from 'express';
import { unpackEquity } from '../../core/backtest/equity-store';
import { backtestCancelKey, requestBacktest } from '../../actors/backtest/backtest.actor';
import { loadColumns, type BacktestTimeframe } from '../../core/candles/history';
import { candleStoreKey } from '../../core/candles/candle-sources';
import { BacktestResult, Broker, Strategy, type BacktestTrade } from '../../core/db/models';
import { decimalFromFloat } from '../../core/decimal';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors';
import { parse } from '../../core/validation';
import { tenant } from '../auth.middleware';
import type { AppDeps } from '../context';
import { idParam } from '../params';
import { BACKTEST_LABELS, backtestSchema, checkCandleCount } from './backtest-fields';
import {
  backtestSummary,
  backtestTradeView,
  type BacktestBars,
  type BacktestDetailView,
  type BacktestQueued,
} from './backtest-views';
import { checkStrategyParams } from './declared-params';

const NOT_FOUND = 'Backtest introuvable';
const CHART_BARS = 3000;

/** Backtests: one row per run, the run itself on a worker (`backtest` queue). Scoped by the signed-in user. */
export function backtestsRoutes(deps: AppDeps): Router {
  const router = Router();
  const queue = () => {
    if (!deps.backtestQueue) throw new Error('backtestsRoutes needs the backtest queue');
    return deps.backtestQueue;
  };
  const idOf = (raw: string) => idParam(raw, NOT_FOUND);

  router.get('/', async (_req, res) => {
    const rows = await tenant(res)
      .query(BacktestResult)
      .withGraphJoined('strategy')
      .orderBy('backtest_results.created_at', 'desc')
      .limit(100);
    res.json(rows.map((b) => backtestSummary(b, (b as BacktestResult & { strategy?: Strategy }).strategy?.name)));
  });

  router.post('/', async (req, res) => {
    const data = parse(backtestSchema, req.body, BACKTEST_LABELS);
    const strategy = await tenant(res).query(Strategy).findById(data.strategyId);
    if (!strategy) throw new ValidationError('Stratégie : introuvable', 'strategyId');
    // Another user's broker is refused exactly like one that does not exist.
    if (data.brokerId && !(await tenant(res).query(Broker).findById(data.brokerId))) {
      throw new ValidationError('Broker : introuvable', 'brokerId');
    }
    // Another user's imported candles are refused exactly like a source that does not exist.
    if (!(await candleStoreKey(deps.db, strategy.user_id, data.source))) {
      throw new ValidationError('Source : introuvable', 'source');
    }
    const from = Date.parse(data.from);
    const to = Date.parse(data.to);
    checkCandleCount(data.timeframe, from, to);
    if (data.params) await checkStrategyParams(deps, strategy, data.params);
    const row = await tenant(res).insert(BacktestResult, {
      strategy_id: strategy.id,
      broker_id: data.brokerId ?? null,
      source: data.source,
      symbol: data.symbol,
      timeframe: data.timeframe,
      start_date: new Date(from),
      end_date: new Date(to),
      initial_amount: data.initialAmount,
      fee: data.fee,
      slippage: data.slippage,
      fill: data.fill,
      market: data.market,
      params: data.params ?? null,
      status: 'queued',
      progress: 0,
    });
    await requestBacktest(queue(), row.id);
    res.status(201).json({ id: row.id } satisfies BacktestQueued);
  });

  router.get('/:id', async (req, res) => {
    const b = await tenant(res).find(BacktestResult, idOf(req.params.id), NOT_FOUND);
    const strategy = b.strategy_id ? await tenant(res).query(Strategy).findById(b.strategy_id) : null;
    const trades: BacktestTrade[] = await deps
      .db('backtest_trades')
      .where({ backtest_id: b.id })
      .orderBy('entry_time')
      .limit(50_000);
    res.json({
      ...backtestSummary(b, strategy?.name),
      result: b.stats,
      trades: trades.map(backtestTradeView),
    } satisfies BacktestDetailView);
  });

  /** The equity at every candle of a completed run (the result's curve is sampled): JSON pairs, or CSV to download. */
  const fullEquity = async (res: Response, raw: string) => {
    const b = await tenant(res).find(BacktestResult, idOf(raw), NOT_FOUND);
    const row = await deps.db('backtest_equity').where({ backtest_id: b.id }).first('points');
    if (!row)
      throw new NotFoundError(
        'Courbe complète introuvable : ce backtest n’est pas terminé ou date d’avant son stockage',
      );
    return { id: b.id, points: unpackEquity(row.points as Buffer) };
  };
  router.get('/:id/equity', async (req, res) => {
    res.json(await fullEquity(res, req.params.id));
  });
  router.get('/:id/equity.csv', async (req, res) => {
    const { id, points } = await fullEquity(res, req.params.id);
    res.type('text/csv').attachment(`backtest-${id}-equity.csv`);
    res.send(
      stringify(
        points.map(([t, v]) => [new Date(t).toISOString(), decimalFromFloat(v)]),
        { header: true, columns: ['time', 'equity'] },
      ),
    );
  });

  /** The run's candles for the chart, merged into at most CHART_BARS bars (OHLC of consecutive candles). */
  router.get('/:id/candles', async (req, res) => {
    const b = await tenant(res).find(BacktestResult, idOf(req.params.id), NOT_FOUND);
    const source = (await candleStoreKey(deps.db, b.user_id, b.source)) ?? b.source;
    const key = { source, symbol: b.symbol, timeframe: b.timeframe as BacktestTimeframe };
    const c = await loadColumns(deps.db, key, new Date(b.start_date).getTime(), new Date(b.end_date).getTime());
    const per = Math.max(1, Math.ceil(c.close.length / CHART_BARS));
    const bars: [number, number, number, number, number][] = [];
    for (let i = 0; i < c.close.length; i += per) {
      const end = Math.min(c.close.length, i + per);
      let high = -Infinity;
      let low = Infinity;
      for (let j = i; j < end; j++) {
        high = Math.max(high, c.high[j]);
        low = Math.min(low, c.low[j]);
      }
      bars.push([c.time[i], c.open[i], high, low, c.close[end - 1]]);
    }
    res.json({ candlesPerBar: per, bars } satisfies BacktestBars);
  });

  router.post('/:id/cancel', async (req, res) => {
    const b = await tenant(res).find(BacktestResult, idOf(req.params.id), NOT_FOUND);
    if (!['queued', 'loading', 'running'].includes(b.status)) {
      throw new ConflictError(`Ce backtest est déjà terminé (${b.status}).`, undefined, 'BACKTEST_FINISHED');
    }
    await deps.redis.set(backtestCancelKey(deps.config.QUEUE_PREFIX, b.id), '1', 'EX', 3600);
    // A run still waiting in the queue is removed and marked at once; a running one stops at its next checkpoint.
    const job = await queue().getJob(`backtest-${b.id}`);
    if (job && (await job.isWaiting())) {
      await job.remove();
      await tenant(res).update(BacktestResult, b.id, { status: 'cancelled', finished_at: new Date() }, NOT_FOUND);
    }
    res.status(202).json({ id: b.id } satisfies BacktestQueued);
  });

  router.delete('/:id', async (req, res) => {
    const b = await tenant(res).find(BacktestResult, idOf(req.params.id), NOT_FOUND);
    if (['queued', 'loading', 'running'].includes(b.status)) {
      throw new ConflictError("Arrêtez ce backtest avant de l'effacer.", undefined, 'BACKTEST_RUNNING');
    }
    await tenant(res).remove(BacktestResult, b.id, NOT_FOUND);
    res.status(204).end();
  });

  return router;
}
