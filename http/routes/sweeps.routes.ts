import { createHash } from 'node:crypto';
import { Router } from 'express';
import { phaseCounts, sweepCancelKey } from '../../actors/sweep/sweep-progress';
import { candleStoreKey } from '../../core/candles/candle-sources';
import { Strategy, Sweep } from '../../core/db/models';
import { ConflictError, ValidationError } from '../../core/errors';
import { combinations, parseConstraint, type Grid } from '../../core/sweeps/grid';
import { parse } from '../../core/validation';
import { requestSweep } from '../../queues/sweep-jobs';
import { tenant } from '../auth.middleware';
import type { AppDeps } from '../context';
import { idParam } from '../params';
import { BACKTEST_LABELS, checkCandleCount } from './backtest-fields';
import { declaredParams } from './declared-params';
import { sweepSchema } from './sweep-fields';
import { sweepRunView, sweepSummary, type SweepDetailView, type SweepQueued, type SweepRunRow } from './sweep-views';

const LABELS = {
  ...BACKTEST_LABELS,
  maxRuns: 'Combinaisons au plus',
  rankBy: 'Classement',
  constraints: 'Contraintes',
  outOfSample: 'Hors échantillon',
  'outOfSample.from': 'Début hors échantillon',
  'outOfSample.to': 'Fin hors échantillon',
  outOfSampleTop: 'Meilleures combinaisons revérifiées',
};

const NOT_FOUND = 'Optimisation introuvable';
const ACTIVE = ['queued', 'loading', 'running'];
const MAX_ACTIVE = 2;
/** The seed of a sweep's sample: the same request samples the same combinations. */
const seedOf = (body: unknown) => createHash('sha256').update(JSON.stringify(body)).digest().readUInt32BE(0);

/** Parameter sweeps (Optimisation): one row per sweep, its runs spread over the workers (`sweep` queue). */
export function sweepsRoutes(deps: AppDeps): Router {
  const router = Router();
  const queue = () => {
    if (!deps.sweepQueue) throw new Error('sweepsRoutes needs the sweep queue');
    return deps.sweepQueue;
  };
  const idOf = (raw: string) => idParam(raw, NOT_FOUND);

  router.get('/', async (_req, res) => {
    const rows = await tenant(res)
      .query(Sweep)
      .withGraphJoined('strategy')
      .orderBy('sweeps.created_at', 'desc')
      .limit(100);
    res.json(rows.map((s) => sweepSummary(s, (s as Sweep & { strategy?: Strategy }).strategy?.name)));
  });

  router.post('/', async (req, res) => {
    const data = parse(sweepSchema, req.body, LABELS);
    const strategy = await tenant(res).query(Strategy).findById(data.strategyId);
    if (!strategy) throw new ValidationError('Stratégie : introuvable', 'strategyId');
    // The sweep queue is first come, first served: one user's sweeps must leave room for everyone else's.
    const running = await tenant(res).query(Sweep).whereIn('status', ACTIVE).resultSize();
    if (running >= MAX_ACTIVE) {
      throw new ConflictError(
        `${MAX_ACTIVE} optimisations au plus en cours : attendez la fin de l’une d’elles ou interrompez-la.`,
        undefined,
        'SWEEPS_BUSY',
      );
    }
    if (!(await candleStoreKey(deps.db, strategy.user_id, data.source))) {
      throw new ValidationError('Source : introuvable', 'source');
    }
    const from = Date.parse(data.from);
    const to = Date.parse(data.to);
    checkCandleCount(data.timeframe, from, to);
    const oos = data.outOfSample
      ? { from: Date.parse(data.outOfSample.from), to: Date.parse(data.outOfSample.to) }
      : null;
    if (oos) checkCandleCount(data.timeframe, oos.from, oos.to, 'outOfSample.to');
    const specs = await declaredParams(deps, strategy);
    const constraints = data.constraints.map((text, k) => parseConstraint(text, k, specs));
    const { total, runs } = combinations(specs, data.params as Grid, constraints, data.maxRuns, seedOf(data));
    const id = await deps.db.transaction(async (trx) => {
      const [row] = await trx('sweeps')
        .insert({
          user_id: strategy.user_id,
          strategy_id: strategy.id,
          source: data.source,
          symbol: data.symbol,
          timeframe: data.timeframe,
          start_date: new Date(from),
          end_date: new Date(to),
          oos_start: oos ? new Date(oos.from) : null,
          oos_end: oos ? new Date(oos.to) : null,
          oos_top: oos ? data.outOfSampleTop : 0,
          initial_amount: data.initialAmount,
          fee: data.fee,
          slippage: data.slippage,
          fill: data.fill,
          market: data.market,
          grid: JSON.stringify(data.params),
          constraints: JSON.stringify(data.constraints),
          max_runs: data.maxRuns,
          combinations: total,
          rank_by: data.rankBy,
        })
        .returning('id');
      const sweepId = Number(row.id);
      await trx('sweep_runs').insert(
        runs.map((params, index) => ({ sweep_id: sweepId, phase: 'in', index, params: JSON.stringify(params) })),
      );
      return sweepId;
    });
    await requestSweep(queue(), id);
    res.status(201).json({ id, runs: runs.length, combinations: total } satisfies SweepQueued);
  });

  router.get('/:id', async (req, res) => {
    const s = await tenant(res).find(Sweep, idOf(req.params.id), NOT_FOUND);
    const strategy = s.strategy_id ? await tenant(res).query(Strategy).findById(s.strategy_id) : null;
    const runs: SweepRunRow[] = await deps.db('sweep_runs').where({ sweep_id: s.id }).orderBy(['phase', 'index']);
    const counts = await phaseCounts(deps.db, s.id, s.phase);
    const elapsed = s.started_at ? (s.finished_at ?? new Date()).getTime() - new Date(s.started_at).getTime() : 0;
    const allDone = runs.filter((r) => r.status !== 'queued').length;
    const left = runs.length - allDone + (s.phase === 'in' ? s.oos_top : 0);
    res.json({
      ...sweepSummary(s, strategy?.name),
      progress: {
        ...counts,
        // The time per finished run so far, times what is left (the out-of-sample runs included).
        etaSeconds: ACTIVE.includes(s.status) && allDone > 0 ? Math.round(((elapsed / allDone) * left) / 1000) : null,
      },
      runs: runs.map(sweepRunView),
    } satisfies SweepDetailView);
  });

  router.post('/:id/cancel', async (req, res) => {
    const s = await tenant(res).find(Sweep, idOf(req.params.id), NOT_FOUND);
    if (!ACTIVE.includes(s.status)) {
      throw new ConflictError(`Cette optimisation est déjà terminée (${s.status}).`, undefined, 'SWEEP_FINISHED');
    }
    // Runs still waiting end as soon as a worker takes them; running ones stop at their next slice.
    await deps.redis.set(sweepCancelKey(deps.config.QUEUE_PREFIX, s.id), '1', 'EX', 3600);
    await deps
      .db('sweeps')
      .where({ id: s.id })
      .whereIn('status', ACTIVE)
      .update({ status: 'cancelled', finished_at: new Date() });
    const counts = await phaseCounts(deps.db, s.id, s.phase);
    await deps.publisher.publish(
      'sweep:progress',
      { id: s.id, status: 'cancelled', phase: s.phase, ...counts },
      { userId: s.user_id },
    );
    res.status(202).json({ id: s.id });
  });

  router.delete('/:id', async (req, res) => {
    const s = await tenant(res).find(Sweep, idOf(req.params.id), NOT_FOUND);
    if (ACTIVE.includes(s.status)) {
      throw new ConflictError("Arrêtez cette optimisation avant de l'effacer.", undefined, 'SWEEP_RUNNING');
    }
    await tenant(res).remove(Sweep, s.id, NOT_FOUND);
    res.status(204).end();
  });

  return router;
}
