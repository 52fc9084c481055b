import type { BalanceLine } from '../brokers/paper-account';
import type { CheckedOrder } from './order-check';
import type { MarketRules, OrderView } from './orders';
import type { PlacedProtection, ProtectionLegs } from './protection';

export interface Candle {
  time: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

/**
 * Where a broker's orders go: a real exchange through ccxt, or the built-in paper exchange. The broker actor only
 * speaks to this, so exactly-once placement and the checks are the same code for both.
 */
export interface Venue {
  /** The exchange's display name, for messages. */
  readonly name: string;
  balance(): Promise<BalanceLine[]>;
  market(symbol: string): Promise<MarketRules>;
  /** Last traded price per symbol; all of the exchange's when `symbols` is omitted. */
  tickers(symbols?: string[]): Promise<Record<string, string>>;
  createOrder(order: CheckedOrder, clientOrderId: string): Promise<OrderView>;
  /** Starts waiting for the next request's turn at the exchange now, when requests are paced. */
  prepareRequest?(): void;
  /** The order placed with this client order id, or null if the exchange has none. */
  findByClientOrderId(symbol: string, clientOrderId: string): Promise<OrderView | null>;
  fetchOrder(id: string, symbol: string): Promise<OrderView>;
  cancelOrder(id: string, symbol: string): Promise<OrderView>;
  openOrders(symbol?: string): Promise<OrderView[]>;
  /** Rests a long position's stop-loss and take-profit at the exchange (see exchangeProtects); absent elsewhere. */
  placeProtection?(legs: ProtectionLegs): Promise<PlacedProtection>;
  /** Cancels a protection: its order list, or its one order. Returns its legs as they ended. */
  cancelProtection?(symbol: string, listId: string | null, orderIds: string[]): Promise<OrderView[]>;
  ohlcv(symbol: string, timeframe: string, since?: number, limit?: number): Promise<Candle[]>;
}
