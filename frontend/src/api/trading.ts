import type { z } from 'zod';
import type { BalanceLine } from '@core/brokers/paper-account';
import type { Candle } from '@core/trading/venue';
import type { brokerCreateSchema, brokerUpdateSchema } from '@http/routes/broker-fields';
import type { BrokerSaved as BrokerSavedView, BrokerView } from '@http/routes/broker-views';
import type { MarketsStatus as MarketsStatusView } from '@http/routes/market-views';
import type { orderSchema } from '@http/routes/trading-fields';
import type { Json } from './client';

export type { OrderView, TradeView } from '@core/trading/orders';
export type { BrokerBalance, ExchangeChoice as ExchangeInfo, MarketsReload } from '@http/routes/broker-views';
export type { SymbolItem, SymbolPage } from '@http/routes/market-views';
export type { OhlcvReply, Portfolio, TickerReply } from '@http/routes/trading-views';
export type { BalanceLine };

export type Broker = Json<BrokerView>;
export type BrokerSaved = Json<BrokerSavedView>;
export type BrokerCreateBody = z.input<typeof brokerCreateSchema>;
export type BrokerUpdateBody = z.input<typeof brokerUpdateSchema>;
export type MarketsStatus = Json<MarketsStatusView>;
/** One candle of `GET /api/trading/ohlcv`, prices as decimal strings, `time` in ms. */
export type PriceCandle = Candle;
/** The body of `POST /api/trading/orders`. */
export type OrderBody = z.input<typeof orderSchema>;
