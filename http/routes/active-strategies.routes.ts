import type { Response } from 'express';
import { Router } from 'express';
import type { Knex } from 'knex';
import { Broker, Strategy } from '../../core/db/models';
import type { ActiveStrategy } from '../../core/db/models';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors';
import { findExchange } from '../../core/exchanges/catalog';
import { exchangeProtects } from '../../core/trading/protection';
import { marketsExchangeOf } from '../../core/exchanges/markets';
import {
  activationView,
  activationViews,
  futuresAllowed,
  listedMarket,
  type ActivationView,
  type PositionRow,
} from '../../core/live/activations';
import { parse } from '../../core/validation';
import { queueClose } from '../../queues/strategy-jobs';
import { currentUser, tenant } from '../auth.middleware';
import type { AppDeps } from '../context';
import { idParam } from '../params';
import {
  createSchema,
  emergencySchema,
  LABELS,
  stopSchema,
  updateSchema,
  type EmergencyResult,
  type SellResult,
} from './activation-fields';

/** PostgreSQL's answer when `lock_timeout` ran out. */
const LOCK_NOT_AVAILABLE = '55P03';

const NOT_FOUND = 'Stratégie active introuvable';

/** A row named in a body that the user does not have: 404 like a missing row, with the field to show it beside. */
class MissingReference extends NotFoundError {
  constructor(
    message: string,
    override readonly field: string,
  ) {
    super(message);
  }
}

type ActivationRow = Pick<
  ActiveStrategy,
  'id' | 'user_id' | 'broker_id' | 'symbol' | 'market' | 'start_date' | 'end_date' | 'state' | 'protection'
>;

const positionOpen = (field?: string) =>
  new ConflictError(
    field === 'symbol' || field === 'market'
      ? `${LABELS[field]} : une position est ouverte, vendez-la d'abord`
      : "Stratégie active : une position est ouverte, vendez-la d'abord",
    field,
    'POSITION_OPEN',
  );

/**
 * The user's live strategies (`Trading BOT`). The web process only writes the activation: evaluations and orders
 * are the strategy actor's, and closing a position is a `close` job on its queue. Writes lock the activation row, as
 * the actor does while it evaluates, so a position cannot open between the check and the change.
 */
export function activeStrategiesRoutes(deps: AppDeps): Router {
  const router = Router();
  const queue = () => {
    if (!deps.strategyQueue) throw new Error('activeStrategiesRoutes needs the strategy queue');
    return deps.strategyQueue;
  };
  const idOf = (raw: string) => idParam(raw, NOT_FOUND);

  async function viewOf(res: Response, id: number, withTrades = false): Promise<ActivationView> {
    const view = await activationView(deps.db, currentUser(res).id, id, withTrades);
    if (!view) throw new NotFoundError(NOT_FOUND);
    return view;
  }

  /** Runs `work` with the user's activation locked, and its open position if any. */
  async function locked<T>(
    res: Response,
    id: number,
    work: (trx: Knex.Transaction, row: ActivationRow, position: PositionRow | undefined) => Promise<T>,
  ): Promise<T> {
    const userId = currentUser(res).id;
    return deps.db.transaction(async (trx) => {
      // The strategy actor holds this lock while an evaluation orders (seconds at worst): a request does not queue
      // behind it for long, it is told to try again.
      await trx.raw("SET LOCAL lock_timeout = '2s'");
      let row: ActivationRow | undefined;
      try {
        row = await trx('active_strategies').where({ id, user_id: userId }).forUpdate().first();
      } catch (error) {
        if ((error as { code?: string }).code === LOCK_NOT_AVAILABLE) {
          throw new ConflictError("Stratégie en cours d'évaluation : réessayez dans un instant", undefined, 'BUSY');
        }
        throw error;
      }
      if (!row) throw new NotFoundError(NOT_FOUND);
      const position: PositionRow | undefined = await trx('positions')
        .where({ user_id: userId, active_strategy_id: id, status: 'open' })
        .first();
      return work(trx, row, position);
    });
  }

  /** Tells the user's pages: the Trading BOT refetches these activations, the status bar its live count. */
  async function changed(res: Response, ids: number[]): Promise<void> {
    const target = { userId: currentUser(res).id };
    await Promise.all([
      ...ids.map((id) => deps.publisher.publish('live:activation', { id, kind: 'state' }, target)),
      deps.publisher.publish('status:changed', { reason: 'live' }, target),
    ]);
  }

  /** The symbol is one of the markets the broker trades, and futures only where it offers them. */
  async function checkMarket(broker: Broker, symbol: string, market: 'spot' | 'futures'): Promise<void> {
    const exchange = marketsExchangeOf(broker.exchange, deps.config.PAPER_PRICE_SOURCE);
    const name = findExchange(exchange)?.name ?? exchange;
    const listed = await listedMarket(deps.db, exchange, symbol);
    if (!listed) {
      const loaded = await deps.db('exchange_symbols').where({ exchange }).first('id');
      throw new ValidationError(
        loaded
          ? `Paire : ${symbol} n'est pas un marché de ${name}`
          : `Paire : les marchés de ${name} ne sont pas chargés`,
        'symbol',
        'UNKNOWN_MARKET',
      );
    }
    if (!listed.active) {
      throw new ValidationError(`Paire : ${symbol} n'est plus ouvert sur ${name}`, 'symbol', 'MARKET_INACTIVE');
    }
    if (market === 'futures' && !(await futuresAllowed(deps.db, broker.exchange, listed))) {
      throw new ValidationError(
        `Marché : le broker « ${broker.name} » ne propose pas de futures sur ${symbol}`,
        'market',
        'FUTURES_UNAVAILABLE',
      );
    }
  }

  /**
   * Stop-loss and take-profit as orders at the exchange: where ccxt can place them (Binance), on a spot position
   * (the only side those orders sell from). Switching to the exchange protects the open position too, from the next
   * minute check; switching back leaves the orders already resting until the position closes.
   */
  function checkProtection(broker: Broker, market: 'spot' | 'futures', protection: 'bot' | 'exchange'): void {
    if (protection === 'bot') return;
    if (!exchangeProtects(broker.exchange)) {
      const name = findExchange(broker.exchange)?.name ?? broker.exchange;
      throw new ValidationError(
        `Protection : les ordres stop-loss / take-profit sur l'exchange demandent un broker Binance (« ${broker.name} » est sur ${name})`,
        'protection',
        'PROTECTION_UNAVAILABLE',
      );
    }
    if (market !== 'spot') {
      throw new ValidationError(
        "Protection : les ordres sur l'exchange ne protègent que des positions spot",
        'protection',
        'PROTECTION_UNAVAILABLE',
      );
    }
  }

  router.get('/', async (_req, res) => {
    res.json(await activationViews(deps.db, currentUser(res).id, { withTrades: true }));
  });

  router.post('/', async (req, res) => {
    const data = parse(createSchema, req.body, LABELS);
    const strategy = await tenant(res).query(Strategy).findById(data.strategyId);
    if (!strategy) throw new MissingReference('Stratégie : introuvable', 'strategyId');
    const broker = await tenant(res).query(Broker).findById(data.brokerId);
    if (!broker) throw new MissingReference('Broker : introuvable', 'brokerId');
    if (!broker.is_active) {
      throw new ValidationError(`Broker : « ${broker.name} » est désactivé`, 'brokerId', 'BROKER_INACTIVE');
    }
    if (data.timeframe && data.timeframe !== strategy.timeframe) {
      throw new ValidationError(
        `Unité de temps : celle de la stratégie (${strategy.timeframe}) attendue`,
        'timeframe',
        'TIMEFRAME_MISMATCH',
      );
    }
    await checkMarket(broker, data.symbol, data.market);
    checkProtection(broker, data.market, data.protection);
    const [row] = await deps
      .db('active_strategies')
      .insert({
        user_id: currentUser(res).id,
        strategy_id: strategy.id,
        broker_id: broker.id,
        symbol: data.symbol,
        timeframe: strategy.timeframe,
        start_date: new Date(data.startDate),
        end_date: new Date(data.endDate),
        market: data.market,
        budget: data.budget,
        close_at_end: data.closeAtEnd,
        protection: data.protection,
        state: 'active',
      })
      .returning('id');
    await changed(res, [Number(row.id)]);
    res.status(201).json(await viewOf(res, Number(row.id)));
  });

  /** Every active activation of the user is suspended; with `closePositions`, every open position is closed. */
  router.post('/emergency-stop', async (req, res) => {
    const { closePositions } = parse(emergencySchema, req.body, LABELS);
    const userId = currentUser(res).id;
    const suspended: { id: number }[] = await deps
      .db('active_strategies')
      .where({ user_id: userId, state: 'active' })
      .update({ state: 'suspended', suspended_by: 'emergency', updated_at: new Date() })
      .returning('id');
    // Positions of activations suspended or stopped earlier are closed too: the user asked for none to stay open.
    const positions: { id: number; active_strategy_id: number }[] = closePositions
      ? await deps
          .db('positions')
          .where({ user_id: userId, status: 'open' })
          .whereNotNull('active_strategy_id')
          .select('id', 'active_strategy_id')
      : [];
    await Promise.all(
      positions.map((p) => queueClose(queue(), Number(p.active_strategy_id), Number(p.id), 'emergency')),
    );
    await changed(
      res,
      suspended.map((r) => Number(r.id)),
    );
    res.json({ suspended: suspended.length, closing: positions.length } satisfies EmergencyResult);
  });

  router.get('/:id', async (req, res) => {
    res.json(await viewOf(res, idOf(req.params.id), true));
  });

  router.put('/:id', async (req, res) => {
    const id = idOf(req.params.id);
    const data = parse(updateSchema, req.body, LABELS);
    await locked(res, id, async (trx, row, position) => {
      const symbol = data.symbol ?? row.symbol;
      const market = data.market ?? row.market;
      const moves = (['symbol', 'market'] as const).find((f) => data[f] !== undefined && data[f] !== row[f]);
      if (moves && position) throw positionOpen(moves);
      if (data.endDate && Date.parse(data.endDate) <= new Date(row.start_date).getTime()) {
        throw new ValidationError('Fin : doit être après la date de début', 'endDate');
      }
      const protection = data.protection ?? row.protection;
      if (moves || data.protection) {
        const broker = await tenant(res).find(Broker, row.broker_id, NOT_FOUND);
        if (moves) await checkMarket(broker, symbol, market);
        checkProtection(broker, market, protection);
      }
      await trx('active_strategies')
        .where({ id, user_id: row.user_id })
        .update({
          symbol,
          market,
          ...(data.endDate ? { end_date: new Date(data.endDate) } : {}),
          ...(data.budget !== undefined ? { budget: data.budget } : {}),
          ...(data.closeAtEnd !== undefined ? { close_at_end: data.closeAtEnd } : {}),
          protection,
          updated_at: new Date(),
        });
    });
    await changed(res, [id]);
    res.json(await viewOf(res, id));
  });

  router.delete('/:id', async (req, res) => {
    const id = idOf(req.params.id);
    await locked(res, id, async (trx, row, position) => {
      if (position) throw positionOpen();
      await trx('active_strategies').where({ id, user_id: row.user_id }).delete();
    });
    await changed(res, [id]);
    res.status(204).end();
  });

  /** Ends the activation now; its open position stays unless `closePosition` asks to close it at market. */
  router.post('/:id/stop', async (req, res) => {
    const id = idOf(req.params.id);
    const { closePosition } = parse(stopSchema, req.body, LABELS);
    const position = await locked(res, id, async (trx, row, open) => {
      await trx('active_strategies')
        .where({ id, user_id: row.user_id })
        .update({
          state: 'stopped',
          suspended_by: null,
          // An activation that already ended keeps its end date.
          end_date: trx.raw('least(end_date, now())'),
          updated_at: new Date(),
        });
      return open;
    });
    if (closePosition && position) await queueClose(queue(), id, Number(position.id), 'stop');
    await changed(res, [id]);
    res.json(await viewOf(res, id));
  });

  /** Closes the open position at market now; the activation goes on. Asked twice, it closes once. */
  router.post('/:id/sell', async (req, res) => {
    const id = idOf(req.params.id);
    const position = await locked(res, id, async (_trx, _row, open) => open);
    if (!position) {
      throw new ConflictError('Stratégie active : aucune position ouverte à vendre', undefined, 'NO_OPEN_POSITION');
    }
    const jobId = await queueClose(queue(), id, Number(position.id), 'sell');
    res.status(202).json({ activation: await viewOf(res, id), jobId } satisfies SellResult);
  });

  router.post('/:id/suspend', async (req, res) => {
    const id = idOf(req.params.id);
    await locked(res, id, async (trx, row) => {
      if (row.state === 'stopped') {
        throw new ConflictError('Stratégie active : arrêtée, elle ne peut être suspendue', undefined, 'STOPPED');
      }
      await trx('active_strategies')
        .where({ id, user_id: row.user_id })
        .update({ state: 'suspended', suspended_by: 'user', updated_at: new Date() });
    });
    await changed(res, [id]);
    res.json(await viewOf(res, id));
  });

  router.post('/:id/resume', async (req, res) => {
    const id = idOf(req.params.id);
    await locked(res, id, async (trx, row) => {
      if (row.state === 'stopped') {
        throw new ConflictError('Stratégie active : arrêtée, elle ne peut reprendre', undefined, 'STOPPED');
      }
      if (new Date(row.end_date).getTime() <= Date.now()) {
        throw new ConflictError('Fin : la date de fin est passée, repoussez-la d’abord', 'endDate', 'ENDED');
      }
      await trx('active_strategies')
        .where({ id, user_id: row.user_id })
        .update({ state: 'active', suspended_by: null, error_count: 0, updated_at: new Date() });
    });
    await changed(res, [id]);
    res.json(await viewOf(res, id));
  });

  return router;
}
