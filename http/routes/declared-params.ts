import type { Strategy } from '../../core/db/models';
import { ValidationError } from '../../core/errors';
import { validationLimits } from '../../core/sandbox/limits';
import { paramsInPool } from '../../core/sandbox/sandbox-pool-tasks';
import { StrategyError } from '../../core/sandbox/strategy-error';
import { checkParamValues, type ParamSpecs, type ParamValues } from '../../core/sandbox/strategy-params';
import type { AppDeps } from '../context';

/** What the strategy declares in `static params`, read in the sandbox; a strategy that does not compile is named. */
export async function declaredParams(deps: AppDeps, strategy: Strategy): Promise<ParamSpecs> {
  try {
    return await paramsInPool(deps.sandbox!, `user:${strategy.user_id}`, strategy.code, validationLimits(deps.config));
  } catch (error) {
    if (error instanceof StrategyError) throw new ValidationError(`Stratégie : ${error.message}`, 'strategyId');
    throw error;
  }
}

/** The values asked for a run, checked against the strategy's declarations (unknown names refused). */
export async function checkStrategyParams(deps: AppDeps, strategy: Strategy, values: ParamValues): Promise<void> {
  const specs = await declaredParams(deps, strategy);
  try {
    checkParamValues(specs, values);
  } catch (error) {
    if (error instanceof StrategyError) throw new ValidationError(error.message, 'params');
    throw error;
  }
}
