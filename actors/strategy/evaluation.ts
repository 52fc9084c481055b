import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { Dec } from '../../core/decimal';
import { entryQuantity, quantityText } from '../../core/engine/sizing';
import type { EventPublisher } from '../../core/realtime/publisher';
import type { SandboxLimits } from '../../core/sandbox/limits';
import type { SandboxPool } from '../../core/sandbox/sandbox-pool';
import { StrategyError } from '../../core/sandbox/strategy-error';
import { ExchangeError } from '../../core/exchanges/errors';
import type { BrokerRequests } from '../../queues/broker-client';
import { orderKeys } from '../../queues/jobs';
import {
  liveCandles,
  MarketUnknownError,
  liveMarket,
  lockForEvaluation,
  openPosition,
  strategyState,
  type ActivationRow,
  type EvaluationRow,
} from './live-context';
import { ordering, type BalanceMemo } from './balance-memo';
import { pullClosedCandles, type CandlePuller } from './pulled-candles';
import { adoptOrphanEntry, closeAtMarket, LiveOrderError, openFromEntry } from './live-orders';
import { protectUnderLock, protectsAtExchange } from './exchange-protection';

export interface LiveDeps extends CandlePuller {
  db: Knex;
  broker: BrokerRequests;
  publisher: EventPublisher;
  logger: Logger;
  sandbox: SandboxPool;
  limits: SandboxLimits;
  paperSource: string;
  paperSlippage: string;
  /** Closed candles the strategy sees before the one that just closed (its indicators' warm-up). */
  warmup: number;
  /** Strategy runners each sandbox child keeps between closes (SANDBOX_WARM_RUNNERS). */
  warmRunners: number;
  /** The strategy actor's: balances shared by the evaluations of one close. */
  balances?: BalanceMemo;
  /** The clock that says whether a period has ended (the tests' own). */
  now?: () => number;
}

/** Errors in a row after which an activation is suspended (and its user alerted). */
export const ERRORS_BEFORE_SUSPENSION = 3;

export type EvaluationOutcome = 'skipped' | 'none' | 'traded' | 'failed';

/** The free quote balance the strategy may use: what the broker holds, within the activation's budget. */
async function freeBalance(
  deps: LiveDeps,
  activation: ActivationRow,
  quote: string,
  closeTime: number,
): Promise<number> {
  const brokerId = Number(activation.broker_id);
  const fetch = () => deps.broker.call('balance', { brokerId });
  const lines = await (deps.balances ? deps.balances.get(brokerId, closeTime, fetch) : fetch());
  const free = Dec(lines.find((line) => line.asset === quote)?.free ?? '0');
  return (activation.budget === null ? free : Dec.min(free, activation.budget)).toNumber();
}

/**
 * Records a failed evaluation on its activation; the third in a row suspends it and alerts its user. Strategy
 * errors and refused orders are the strategy's (the close is done); anything else is thrown to be retried.
 */
export async function recordFailure(
  trx: Knex.Transaction,
  activation: ActivationRow,
  message: string,
  closeTime: number | null,
): Promise<boolean> {
  const errors = activation.error_count + 1;
  const suspend = errors >= ERRORS_BEFORE_SUSPENSION;
  await trx('active_strategies')
    .where({ id: activation.id })
    .update({
      last_error: message,
      last_error_at: new Date(),
      error_count: errors,
      ...(closeTime === null ? {} : { last_close_time: new Date(closeTime) }),
      ...(suspend ? { state: 'suspended', suspended_by: 'errors' } : {}),
      updated_at: new Date(),
    });
  if (suspend) {
    await trx('alerts').insert({
      user_id: activation.user_id,
      kind: 'strategy_suspended',
      severity: 'critical',
      message: `Stratégie suspendue après ${errors} erreurs de suite : ${message}`,
      details: { activeStrategyId: Number(activation.id), symbol: activation.symbol },
    });
  }
  return suspend;
}

/** A failure that belongs to the strategy (recorded, not retried), in the words the user reads. */
export function strategyFault(error: unknown): string | null {
  if (error instanceof StrategyError || error instanceof LiveOrderError || error instanceof MarketUnknownError) {
    return error.message;
  }
  if (error instanceof ExchangeError && error.failure === 'rejected') return error.message;
  return null;
}

/**
 * One evaluation of an activation on the close of its candle `closeTime` (the candle's last millisecond, as the
 * heartbeat ticks it). Under the activation's lock: skipped unless active, within its dates and later than the last
 * close it evaluated; otherwise the strategy decides in the sandbox on the stored candles, its legs are ordered
 * through the broker actor with keys of this close (a retried or recovered evaluation asks for the same orders, so
 * none is placed twice), and the position and the close are written together.
 */
export async function evaluateClose(
  deps: LiveDeps,
  activeStrategyId: number,
  closeTime: number,
): Promise<EvaluationOutcome> {
  const { db } = deps;
  let reported: { userId: number; error: string | null } | undefined;
  let protectedAtExchange: ActivationRow | undefined;
  const outcome = await db.transaction(async (trx): Promise<EvaluationOutcome> => {
    const activation = await lockForEvaluation(trx, activeStrategyId);
    if (!activation || activation.state !== 'active') return 'skipped';
    if (protectsAtExchange(activation)) protectedAtExchange = activation;
    if (closeTime < activation.start_date.getTime() || closeTime > activation.end_date.getTime()) return 'skipped';
    if (activation.last_close_time && closeTime <= activation.last_close_time.getTime()) return 'skipped';
    reported = { userId: Number(activation.user_id), error: null };
    try {
      return await decideAndTrade(deps, trx, activation, closeTime);
    } catch (error) {
      const fault = strategyFault(error);
      if (fault === null) throw error;
      reported.error = fault;
      await recordFailure(trx, activation, fault, closeTime);
      deps.logger.info({ activeStrategyId, closeTime, err: error }, 'live evaluation failed');
      return 'failed';
    }
  });
  if (outcome === 'traded' && protectedAtExchange) await protectEntry(deps, protectedAtExchange);
  if (outcome === 'failed') await publishSuspension(deps, activeStrategyId);
  if (outcome !== 'skipped' && reported) {
    const kind = outcome === 'failed' ? 'error' : outcome === 'traded' ? 'order' : 'evaluated';
    await publishActivation(deps, reported.userId, { id: activeStrategyId, kind, closeTime }, reported.error);
  }
  return outcome;
}

/**
 * An entry's protection goes to the exchange once the position is written (the legs name it): after the
 * evaluation's commit. If this fails or the process dies first, the minute check places it.
 */
async function protectEntry(deps: LiveDeps, activation: ActivationRow): Promise<void> {
  try {
    const position = await openPosition(deps.db, activation.id);
    if (position) await protectUnderLock(deps, Number(activation.id), Number(position.id));
  } catch (error) {
    deps.logger.warn({ err: error, activeStrategyId: activation.id }, 'protective orders not placed yet');
  }
}

async function decideAndTrade(
  deps: LiveDeps,
  trx: Knex.Transaction,
  activation: EvaluationRow,
  closeTime: number,
): Promise<EvaluationOutcome> {
  const market = await liveMarket(trx, activation, deps);
  const lastOpen = closeTime + 1 - market.timeframeMs;
  const key = { source: market.exchange, symbol: activation.symbol, timeframe: activation.timeframe };
  let candles = await liveCandles(trx, key, lastOpen, deps.warmup + 1);
  if (candles.time.at(-1) !== lastOpen && (await pullClosedCandles(deps, key, lastOpen, deps.warmup + 1))) {
    candles = await liveCandles(trx, key, lastOpen, deps.warmup + 1);
  }
  const n = candles.time.length;
  if (n === 0 || candles.time[n - 1] !== lastOpen) {
    throw new LiveOrderError(
      `La bougie ${activation.timeframe} close à ${new Date(closeTime + 1).toISOString()} est absente`,
    );
  }
  let position = await openPosition(trx, activation.id);
  if (!position) {
    const adopted = await adoptOrphanEntry(trx, activation, market);
    if (adopted !== null) {
      deps.logger.warn(
        { activeStrategyId: activation.id, tradeId: adopted },
        'filled entry without a position adopted',
      );
      position = await openPosition(trx, activation.id);
    }
  }
  const balance = await freeBalance(deps, activation, market.quote, closeTime);
  const state = strategyState(balance, position);
  const decision = await deps.sandbox.run(
    'evaluate',
    `user-${activation.user_id}`,
    {
      // A warm runner per activation: what a strategy keeps between closes stays with its market, as in a backtest.
      owner: `activation-${activation.id}`,
      warmRunners: deps.warmRunners,
      code: activation.code,
      limits: deps.limits,
      candles,
      state,
      market: activation.market,
      costs: market.costs,
    },
    { budgetMs: deps.limits.budgetMs },
  );
  const time = closeTime + 1;
  let traded = false;
  const brokerId = Number(activation.broker_id);
  // The close that ends the period: as the backtest's last candle, what is still open is closed on it. A close
  // evaluated late, once the end has passed, enters nothing either (the end's close would sell it a minute later).
  const end = activation.end_date.getTime();
  const ending = activation.close_at_end && (time >= end || (deps.now ?? Date.now)() >= end);
  const exit = decision.exit ? 'signal' : ending ? 'end' : null;
  if (exit && position) {
    const open = position;
    await ordering(deps.balances, brokerId, () =>
      closeAtMarket(trx, deps.broker, activation, market, open, exit, time),
    );
    traded = true;
  }
  if (decision.entry && !ending) {
    // Sized from the balance after the exit, as the backtest sizes a reversal.
    const cash = traded ? await freeBalance(deps, activation, market.quote, closeTime) : balance;
    const close = candles.close[n - 1];
    const side = decision.entry.side === 'long' ? 1 : -1;
    const expected = close * (1 + side * market.costs.slippage);
    const sized = entryQuantity(decision.entry.size, cash, expected, market.costs.fees.takerFee ?? 0, market.sizing);
    if (sized.quantity > 0) {
      const entry = decision.entry;
      await ordering(deps.balances, brokerId, () =>
        openFromEntry(
          trx,
          deps.broker,
          activation,
          market,
          orderKeys.strategy(activation.id, closeTime, 'entry'),
          entry,
          quantityText(sized.quantity, market.sizing),
          time,
        ),
      );
      traded = true;
    }
  }
  await trx('active_strategies')
    .where({ id: activation.id })
    .update({ last_close_time: new Date(closeTime), error_count: 0, updated_at: new Date() });
  return traded ? 'traded' : 'none';
}

/** An activation suspended by its errors turns the status bar's "Stratégies live" to a warning at once. */
async function publishSuspension(deps: LiveDeps, activeStrategyId: number): Promise<void> {
  const row: { user_id: number; suspended_by: string | null } | undefined = await deps
    .db('active_strategies')
    .where({ id: activeStrategyId })
    .first('user_id', 'suspended_by');
  if (row?.suspended_by !== 'errors') return;
  await deps.publisher.publish('status:changed', { reason: 'live' }, { userId: Number(row.user_id) });
}

export async function publishChange(
  deps: Pick<LiveDeps, 'db' | 'publisher'>,
  activeStrategyId: number,
  kind: 'evaluated' | 'order' | 'error' | 'state',
  closeTime?: number,
): Promise<void> {
  const row: { user_id: number; last_error: string | null } | undefined = await deps
    .db('active_strategies')
    .where({ id: activeStrategyId })
    .first('user_id', 'last_error');
  if (!row) return;
  await publishActivation(deps, Number(row.user_id), { id: activeStrategyId, kind, closeTime }, row.last_error);
}

/** Tells the activation's user what happened to it (the Trading BOT page refreshes that row). */
async function publishActivation(
  deps: Pick<LiveDeps, 'publisher'>,
  userId: number,
  change: { id: number; kind: 'evaluated' | 'order' | 'error' | 'state'; closeTime?: number },
  error: string | null,
): Promise<void> {
  await deps.publisher.publish(
    'live:activation',
    { ...change, ...(change.kind === 'error' && error ? { message: error } : {}) },
    { userId },
  );
}
