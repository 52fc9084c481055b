import type { BalanceLine } from '../core/brokers/paper-account';
import type { ExchangeError } from '../core/exchanges/errors';
import type { OrderRequest, OrderView } from '../core/trading/orders';
import type { ProtectionRequest } from '../core/trading/protection';
import type { Candle } from '../core/trading/venue';
import type { TradeView } from '../actors/broker/trade-record';

export { brokerQueue } from './names';

/** The Redis channel on which the web process asks workers to serve a broker's queue. */
export const brokersChannel = (prefix: string) => `${prefix}:brokers`;

/** On the brokers channel, this prefix and a broker's id announce its deletion (a bare id announces a new broker). */
export const BROKER_DELETED = 'deleted:';

/** Who asked for an order, recorded on its trade. */
export interface OrderOrigin {
  userId: number;
  source: 'manual' | 'strategy' | 'webhook';
  strategyId?: number;
  activeStrategyId?: number;
  webhookId?: number;
}

/**
 * Every broker job, its data and its result. Jobs carry the broker id, never a credential: payloads are stored in
 * clear in Redis and shown in Bull Board.
 */
export interface BrokerJobs {
  balance: { data: { brokerId: number }; result: BalanceLine[] };
  tickers: { data: { brokerId: number; symbols?: string[] }; result: Record<string, string> };
  /**
   * `businessKey` identifies the order for its whole life (`manual:<user>:<request id>`…); the client order id and
   * the job id derive from it, so the same order asked twice is placed once.
   */
  createOrder: {
    data: { brokerId: number; businessKey: string; origin: OrderOrigin; request: OrderRequest };
    result: TradeView;
  };
  cancelOrder: { data: { brokerId: number; orderId: string; symbol: string }; result: OrderView };
  /**
   * Rests a long position's stop-loss and take-profit at the exchange (an OCO list when it has both), once per
   * business key as an order is; the result is the protective legs' trades.
   */
  placeProtection: {
    data: { brokerId: number; businessKey: string; origin: OrderOrigin; positionId: number; request: ProtectionRequest };
    result: TradeView[];
  };
  /**
   * Asks the exchange how a position's protective legs stand and records it, cancelling them first when `cancel`
   * (the position is closed otherwise); the result is the legs' trades as they ended.
   */
  settleProtection: { data: { brokerId: number; positionId: number; cancel: boolean }; result: TradeView[] };
  /** Settles a trade left pending with no job to finish it: recorded from the exchange, or refused if never sent. */
  reconcileOrder: { data: { brokerId: number; tradeId: number }; result: TradeView | null };
  /** Asks the exchange for the broker's open trades (a batch) and records what changed. */
  syncOpenTrades: { data: { brokerId: number }; result: { checked: number; changed: number } };
  fetchOrder: { data: { brokerId: number; orderId: string; symbol: string }; result: OrderView };
  openOrders: { data: { brokerId: number; symbol?: string }; result: OrderView[] };
  ohlcv: {
    data: { brokerId: number; symbol: string; timeframe: string; since?: number; limit?: number };
    result: Candle[];
  };
}

export type BrokerJobName = keyof BrokerJobs;

/** A job's outcome: exchange refusals are answers, not failures to retry. */
export type BrokerReply<T> = { ok: true; value: T } | { ok: false; error: ReturnType<ExchangeError['toJSON']> };

/**
 * Where the asking web process waits for a job's answer: the worker publishes it there as soon as it has it, ahead
 * of BullMQ's own completion event (the web process listens to both; the first one answers).
 */
export interface ReplyAddress {
  channel: string;
  token: string;
  /** The web request that asked, for the worker's log lines: a failure it cannot tell is logged under this id. */
  requestId?: string;
}

/**
 * What the asker is told of a failure that is not one of our typed errors (a database error, a bug): its detail
 * (SQL, a stack) stays in the worker's log, under the request id.
 */
export const BROKER_FAILED: ReturnType<ExchangeError['toJSON']> = {
  code: 'BROKER_FAILED',
  message: 'Le broker a échoué : erreur interne',
  failure: 'error',
  field: undefined,
};

/** A job's data as queued: the job's own, and where to answer. */
export type QueuedBrokerJob<N extends BrokerJobName> = BrokerJobs[N]['data'] & { replyTo?: ReplyAddress };

/** The channel a web process's answers arrive on. */
export const repliesChannel = (prefix: string, listener: string) => `${prefix}:broker-replies:${listener}`;
