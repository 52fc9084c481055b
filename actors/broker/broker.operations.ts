import type { Knex } from 'knex';
import { PaperVenue } from '../../core/brokers/paper-venue';
import { decryptCredentials } from '../../core/crypto/credentials';
import { Dec } from '../../core/decimal';
import { findExchange, PAPER } from '../../core/exchanges/catalog';
import type { ExchangeClients } from '../../core/exchanges/ccxt-client';
import { CcxtVenue } from '../../core/exchanges/ccxt-venue';
import { ExchangeError, mapExchangeError } from '../../core/exchanges/errors';
import type { RequestPacer } from '../../core/exchanges/request-pacer';
import type { EventPublisher } from '../../core/realtime/publisher';
import { clientOrderId } from '../../core/trading/client-order-id';
import { ReferencePrices } from '../../core/trading/reference-prices';
import type { Venue } from '../../core/trading/venue';
import type { BrokerJobName, BrokerJobs } from '../../queues/broker-jobs';
import { placeOrder, StaleBrokerError } from './place-order';
import { placeProtection, settleProtection } from './protection-orders';
import {
  findTrade,
  recordNeverSent,
  recordOrder,
  syncOrder,
  tradeView,
  type TradeRow,
  type TradeView,
} from './trade-record';

interface BrokerRow {
  id: number;
  user_id: number;
  name: string;
  exchange: string;
  is_testnet: boolean;
  is_active: boolean;
  credentials_enc: string | null;
  updated_at: Date;
  /** updated_at to the microsecond, as PostgreSQL prints it: what an order's trade insert checks (OrderAccount). */
  version: string;
}

export interface PaperSettings {
  /** The exchange whose public prices and markets the paper exchange uses. */
  priceSource: string;
  /** Market-order slippage, as a fraction. */
  slippage: string;
}

/** Open trades asked for per broker and sweep: each is a request to the exchange, at the account's pace. */
const OPEN_TRADES_PER_SYNC = 20;

/** How old a price may be to value an order before it is sent (see ReferencePrices). */
const REFERENCE_PRICE_MAX_AGE_MS = 5_000;

type Handlers = { [N in BrokerJobName]: (data: BrokerJobs[N]['data']) => Promise<BrokerJobs[N]['result']> };

/**
 * What the broker actor does for each job. The only code that reaches an exchange's private API, through a Venue
 * (ccxt, or the paper exchange) whose errors are mapped once.
 */
export class BrokerOperations {
  constructor(
    private readonly db: Knex,
    private readonly clients: ExchangeClients,
    private readonly secretKey: string,
    private readonly paper: PaperSettings,
    private readonly pacer: RequestPacer,
    private readonly publisher?: EventPublisher,
  ) {}

  private readonly prices = new ReferencePrices(REFERENCE_PRICE_MAX_AGE_MS);

  /**
   * Broker rows as this worker last read them for an order, so an order does not wait for that read: the trade's
   * insert, which comes before anything is sent, checks that the row is unchanged (StaleBrokerError otherwise).
   */
  private readonly orderBrokers = new Map<number, BrokerRow>();

  readonly handlers: Handlers = {
    balance: async ({ brokerId }) => (await this.venueOf(brokerId)).balance(),
    tickers: async ({ brokerId, symbols }) => (await this.venueOf(brokerId)).tickers(symbols),
    createOrder: async (job) => {
      try {
        return await this.order(job);
      } catch (error) {
        // A refused or uncertain attempt is on record too: let the pages show it.
        const trade = await findTrade(this.db, clientOrderId(job.businessKey));
        if (trade) this.announce(trade);
        throw error;
      }
    },
    cancelOrder: async ({ brokerId, orderId, symbol }) => {
      const order = await (await this.venueOf(brokerId)).cancelOrder(orderId, symbol);
      const trade = await syncOrder(this.db, brokerId, order);
      if (trade) this.announce(trade);
      return order;
    },
    placeProtection: async (job) => {
      const broker = await this.orderBroker(job.brokerId, job.origin.userId);
      const account = { id: broker.id, version: broker.version, fresh: true };
      const legs = await placeProtection(this.db, await this.venue(broker), account, job);
      return legs.map((leg) => tradeView(this.announce(leg)));
    },
    settleProtection: async ({ brokerId, positionId, cancel }) => {
      const legs = await settleProtection(this.db, await this.venueOf(brokerId), brokerId, positionId, cancel);
      return legs.map((leg) => tradeView(this.announce(leg)));
    },
    reconcileOrder: async ({ brokerId, tradeId }) => {
      const trade: TradeRow | undefined = await this.db('trades').where({ id: tradeId, broker_id: brokerId }).first();
      if (!trade) return null;
      if (trade.status !== 'pending' || !trade.client_order_id) return tradeView(trade);
      const known = await (await this.venueOf(brokerId)).findByClientOrderId(trade.symbol, trade.client_order_id);
      const settled = known ? await recordOrder(this.db, trade.id, known) : await recordNeverSent(this.db, trade.id);
      return settled ? tradeView(this.announce(settled)) : null;
    },
    syncOpenTrades: async ({ brokerId }) => {
      const open: TradeRow[] = await this.db('trades')
        .where({ broker_id: brokerId, status: 'open' })
        .whereNotNull('exchange_order_id')
        .orderBy('id')
        .limit(OPEN_TRADES_PER_SYNC);
      if (!open.length) return { checked: 0, changed: 0 };
      const venue = await this.venueOf(brokerId);
      let changed = 0;
      for (const trade of open) {
        const order = await venue.fetchOrder(trade.exchange_order_id!, trade.symbol).catch((error: unknown) => {
          // Gone from the exchange's books: nothing to learn from it; the others are still asked.
          if (error instanceof ExchangeError && error.failure === 'not_found') return null;
          throw error;
        });
        if (!order || (order.status === 'open' && new Dec(order.filled).eq(trade.filled_quantity ?? 0))) continue;
        this.announce(await recordOrder(this.db, trade.id, order));
        changed++;
      }
      return { checked: open.length, changed };
    },
    fetchOrder: async ({ brokerId, orderId, symbol }) => {
      const order = await (await this.venueOf(brokerId)).fetchOrder(orderId, symbol);
      await syncOrder(this.db, brokerId, order);
      return order;
    },
    openOrders: async ({ brokerId, symbol }) => (await this.venueOf(brokerId)).openOrders(symbol),
    ohlcv: async ({ brokerId, symbol, timeframe, since, limit }) =>
      (await this.venueOf(brokerId)).ohlcv(symbol, timeframe, since, limit),
  };

  run<N extends BrokerJobName>(name: N, data: BrokerJobs[N]['data']): Promise<BrokerJobs[N]['result']> {
    const handler = this.handlers[name] as ((d: BrokerJobs[N]['data']) => Promise<BrokerJobs[N]['result']>) | undefined;
    if (!handler) throw new Error(`job inconnu : ${String(name)}`);
    return handler(data);
  }

  /** The public side of the paper exchange: real markets and prices from the configured source. */
  async paperSource(): Promise<Venue> {
    const source = this.paper.priceSource;
    const name = findExchange(source)?.name ?? source;
    try {
      const pace = () => this.pacer.wait(`public-${source}`, findExchange(source)?.rateLimit ?? 0);
      return new CcxtVenue(await this.clients.markets(source, false), name, pace);
    } catch (error) {
      throw mapExchangeError(error, name);
    }
  }

  /** Reads the broker an order is for: the user's own, and active. */
  private async orderBroker(brokerId: number, userId: number): Promise<BrokerRow> {
    this.orderBrokers.delete(brokerId);
    const broker = await this.broker(brokerId, userId);
    if (!broker.is_active) {
      throw new ExchangeError('BROKER_INACTIVE', `Broker : « ${broker.name} » est désactivé`, 'rejected', 'brokerId');
    }
    this.orderBrokers.set(brokerId, broker);
    return broker;
  }

  /** With the broker as last read if there is one; read again if it changed since. */
  private async order(job: BrokerJobs['createOrder']['data']): Promise<TradeView> {
    const known = this.orderBrokers.get(job.brokerId);
    if (known?.user_id === job.origin.userId) {
      try {
        return await this.placeOrder(known, false, job);
      } catch (error) {
        if (!(error instanceof StaleBrokerError)) throw error;
      }
    }
    return this.placeOrder(await this.orderBroker(job.brokerId, job.origin.userId), true, job);
  }

  private async placeOrder(
    broker: BrokerRow,
    fresh: boolean,
    { businessKey, origin, request }: BrokerJobs['createOrder']['data'],
  ): Promise<TradeView> {
    const venue = await this.venue(broker);
    const referencePrice = (symbol: string) => this.referencePrice(broker, venue, symbol);
    const account = { id: broker.id, version: broker.version, fresh };
    return tradeView(
      this.announce(await placeOrder(this.db, venue, account, businessKey, origin, request, referencePrice)),
    );
  }

  /**
   * Tells the user's pages once the job's answer is on its way: published at once, the event reached the web
   * process just before the answer and held it back.
   */
  private announce(trade: TradeRow): TradeRow {
    const event = { brokerId: Number(trade.broker_id), tradeId: Number(trade.id), status: trade.status };
    setImmediate(() => {
      this.publisher?.publish('trades:changed', event, { userId: Number(trade.user_id) }).catch(() => undefined);
    });
    return trade;
  }

  /**
   * Prices to size an order come from the exchange's public API (shared by every account on it, paced apart from
   * the account's own requests), so an order never waits behind its own account's ticker request. The paper
   * exchange prices from its source.
   */
  private referencePrice(broker: BrokerRow, venue: Venue, symbol: string): Promise<string | null> {
    if (broker.exchange === PAPER) {
      return this.prices.get(`${PAPER}:${symbol}`, async () => (await venue.tickers([symbol]))[symbol] ?? null);
    }
    const source = `${broker.exchange}${broker.is_testnet ? '-testnet' : ''}`;
    return this.prices.get(`${source}:${symbol}`, async () => {
      const name = findExchange(broker.exchange)?.name ?? broker.exchange;
      const pace = () => this.pacer.wait(`public-${source}`, findExchange(broker.exchange)?.rateLimit ?? 0);
      const publicApi = await this.clients.markets(broker.exchange, broker.is_testnet).catch((error: unknown) => {
        throw mapExchangeError(error, name);
      });
      return (await new CcxtVenue(publicApi, name, pace).tickers([symbol]))[symbol] ?? null;
    });
  }

  /** `userId`, when given, must own the broker: a job can never act on another user's account. */
  private async broker(brokerId: number, userId?: number): Promise<BrokerRow> {
    const broker: BrokerRow | undefined = await this.db('brokers')
      .select('*', this.db.raw('updated_at::text AS version'))
      .where({ id: brokerId, ...(userId ? { user_id: userId } : {}) })
      .first();
    if (!broker) throw new ExchangeError('BROKER_NOT_FOUND', 'Broker introuvable', 'not_found');
    return broker;
  }

  private async venueOf(brokerId: number): Promise<Venue> {
    return this.venue(await this.broker(brokerId));
  }

  private async venue(broker: BrokerRow): Promise<Venue> {
    if (broker.exchange === PAPER) {
      return new PaperVenue(this.db, broker.id, () => this.paperSource(), this.paper.slippage);
    }
    const name = findExchange(broker.exchange)?.name ?? broker.exchange;
    if (!broker.credentials_enc) {
      throw new ExchangeError('BROKER_NO_CREDENTIALS', 'Ce broker n’a pas de clés API', 'auth', 'credentials');
    }
    const sealed = broker.credentials_enc;
    try {
      const exchange = await this.clients.forBroker(broker.id, broker.version, broker.exchange, broker.is_testnet, () =>
        decryptCredentials(sealed, this.secretKey, broker.user_id),
      );
      const key = `broker-${broker.id}`;
      const rateLimit = findExchange(broker.exchange)?.rateLimit ?? 0;
      return new CcxtVenue(
        exchange,
        name,
        () => this.pacer.wait(key, rateLimit),
        () => this.pacer.reserve(key, rateLimit),
      );
    } catch (error) {
      throw mapExchangeError(error, name);
    }
  }
}
