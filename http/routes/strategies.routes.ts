import { isUniqueViolation } from '../../core/db/errors';
import { Router } from 'express';
import { Strategy } from '../../core/db/models';
import { ConflictError } from '../../core/errors';
import { parse } from '../../core/validation';
import { validationLimits } from '../../core/sandbox/limits';
import { validateInPool } from '../../core/sandbox/sandbox-pool-tasks';
import type { AppDeps } from '../context';
import { declaredParams } from './declared-params';
import { strategyCodeSchema, strategySchema } from './strategy-fields';
import { strategyView } from './strategy-views';
import { refuseWhileOpen } from '../../core/live/activations';
import { currentUser, tenant } from '../auth.middleware';
import { idParam } from '../params';

const LABELS = { name: 'Nom', description: 'Description', timeframe: 'Unité de temps', code: 'Code' };
const NOT_FOUND = 'Stratégie introuvable';

const idOf = (raw: string) => idParam(raw, NOT_FOUND);

async function uniqueName<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ConflictError('Nom : une stratégie porte déjà ce nom', 'name', 'STRATEGY_NAME_TAKEN');
    }
    throw error;
  }
}

/** The user's strategies (the code and its metadata). Every query goes through the user's tenant scope. */
export function strategiesRoutes(deps: AppDeps): Router {
  const router = Router();
  const limits = validationLimits(deps.config);
  const sandbox = deps.sandbox!;

  /**
   * Compiles and runs the code in the sandbox on sample candles, on a sandbox thread (one at a time per user);
   * 200 with `ok: false` and the line on error, 429 when the user or the pool has too many waiting.
   */
  router.post('/validate', async (req, res) => {
    const { code } = parse(strategyCodeSchema, req.body, LABELS);
    res.json(await validateInPool(sandbox, `user:${currentUser(res).id}`, code, limits));
  });

  router.get('/', async (_req, res) => {
    const rows = await tenant(res).query(Strategy).orderBy('name');
    res.json(rows.map(strategyView));
  });

  router.post('/', async (req, res) => {
    const data = parse(strategySchema, req.body, LABELS);
    const row = await uniqueName(() => tenant(res).insert(Strategy, data));
    res.status(201).json(strategyView(row));
  });

  router.get('/:id', async (req, res) => {
    res.json(strategyView(await tenant(res).find(Strategy, idOf(req.params.id), NOT_FOUND)));
  });

  /** What the strategy declares in `static params` (the backtest form's values, the Optimisation's ranges). */
  router.get('/:id/params', async (req, res) => {
    const strategy = await tenant(res).find(Strategy, idOf(req.params.id), NOT_FOUND);
    res.json(await declaredParams(deps, strategy));
  });

  router.put('/:id', async (req, res) => {
    const id = idOf(req.params.id);
    const data = parse(strategySchema, req.body, LABELS);
    const row = await uniqueName(() => tenant(res).update(Strategy, id, data, NOT_FOUND));
    res.json(strategyView(row));
  });

  router.delete('/:id', async (req, res) => {
    const id = idOf(req.params.id);
    await refuseWhileOpen(deps.db, currentUser(res).id, 'strategy_id', id);
    await tenant(res).remove(Strategy, id, NOT_FOUND);
    res.status(204).end();
  });

  return router;
}
