import type { OrderRefusalReason } from './order-messages';

/** What the user (or a strategy, or a webhook) asks for; amounts are decimal strings, never floats. */
export interface OrderRequest {
  symbol: string;
  side: 'buy' | 'sell';
  type: 'market' | 'limit';
  /** Quantity in the base asset. Either this or `quoteAmount`. */
  amount?: string;
  /** Amount in the quote asset (USDT…), turned into a quantity at the reference price. */
  quoteAmount?: string;
  /** Limit price; required for `limit`. */
  price?: string;
}

export type OrderStatus = 'open' | 'closed' | 'canceled' | 'expired' | 'rejected';

/** An order as an exchange (real or paper) reports it, in exact decimals. */
export interface OrderView {
  id: string;
  clientOrderId: string | null;
  symbol: string;
  side: 'buy' | 'sell';
  type: string;
  status: OrderStatus;
  amount: string;
  price: string | null;
  filled: string;
  average: string | null;
  cost: string;
  fee: string | null;
  feeCurrency: string | null;
  timestamp: number | null;
  /** When its last fill happened, where the exchange says (a resting order fills long after `timestamp`). */
  filledAt?: number | null;
  /** The exchange's order list the order belongs to (a leg of an OCO), when it says. */
  listId?: string;
}

/** What our checks need to know of a market, from ccxt's unified market or from `exchange_symbols`. */
export interface MarketRules {
  symbol: string;
  base: string;
  quote: string;
  active: boolean;
  /** The smallest step of a quantity / a price (e.g. '0.00001'), or null when the exchange does not say. */
  amountStep: string | null;
  priceStep: string | null;
  minAmount: string | null;
  maxAmount: string | null;
  /** Minimum notional (quantity × price) in the quote asset. */
  minCost: string | null;
  makerFee: string | null;
  takerFee: string | null;
}

/** A trade as the API shows it: decimals as strings without padding, times in ISO UTC. */
export interface TradeView {
  id: number;
  brokerId: number | null;
  source: string;
  clientOrderId: string | null;
  exchangeOrderId: string | null;
  symbol: string;
  side: 'buy' | 'sell';
  /** `stop_limit`: a protective stop-loss resting at the exchange, triggered at `stopPrice`. */
  type: 'market' | 'limit' | 'stop_limit';
  quantity: string | null;
  quoteAmount: string | null;
  price: string | null;
  stopPrice?: string | null;
  /** Set on the legs resting at the exchange to protect a live position: its stop-loss or its take-profit. */
  protection?: 'stop' | 'target';
  filledQuantity: string | null;
  averagePrice: string | null;
  fee: string | null;
  feeCurrency: string | null;
  status: string;
  errorCode: string | null;
  errorMessage: string | null;
  /** Our own refusals as data, for the web app to word in the reader's language; null otherwise. */
  errorReason: OrderRefusalReason | null;
  executedAt: string | null;
  createdAt: string;
  /**
   * In the trade log: the realised P&L this fill closed, fees included, from the statistics' matching (first in first
   * out per broker, pair and origin); null when it closed nothing.
   */
  realizedPnl?: string | null;
}
