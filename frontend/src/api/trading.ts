import type { OrderView, TradeView } from '@core/trading/orders';

export type { OrderView, TradeView };

export interface ExchangeInfo {
  id: string;
  name: string;
  requiredCredentials: string[];
  sandbox: boolean;
}

export interface Broker {
  id: number;
  name: string;
  exchange: string;
  exchangeName: string;
  credentialsHint: string | null;
  isDefault: boolean;
  isTestnet: boolean;
  isActive: boolean;
  validatedAt: string | null;
  createdAt: string;
}

export interface BalanceLine {
  asset: string;
  free: string;
  used: string;
  total: string;
}

export interface Portfolio {
  broker: { id: number; name: string; exchange: string };
  assets: (BalanceLine & { priceUsd: string | null; valueUsd: string | null })[];
  totalUsd: string;
}

export interface SymbolItem {
  symbol: string;
  base: string;
  quote: string;
  active: boolean;
  minAmount: string | null;
  minCost: string | null;
  amountStep: string | null;
  priceStep: string | null;
  /** The taker fee rate ('0.001'), for the confirmation's estimated fee. */
  takerFee: string | null;
}

export interface SymbolPage {
  exchange: string;
  total: number;
  page: number;
  pageSize: number;
  items: SymbolItem[];
}

/** One candle of `GET /api/trading/ohlcv`, prices as decimal strings, `time` in ms. */
export interface PriceCandle {
  time: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

export interface OhlcvReply {
  symbol: string;
  timeframe: string;
  candles: PriceCandle[];
}

export interface MarketsStatus {
  exchanges: { exchange: string; name: string; count: number; updatedAt: string }[];
  loading: { exchange: string; percent: number }[];
}
