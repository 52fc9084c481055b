import type { ValuedLine } from '../../core/stats/valuation';
import type { Candle } from '../../core/trading/venue';

// The JSON of the manual trading routes; the web app reads its types from here.

/** `GET /api/trading/portfolio`: the broker's holdings valued in USDT. */
export interface Portfolio {
  broker: { id: number; name: string; exchange: string };
  assets: ValuedLine[];
  totalUsd: string;
}

/** `GET /api/trading/ticker`: the pair's last price, null when the exchange has none. */
export interface TickerReply {
  symbol: string;
  last: string | null;
}

/** `GET /api/trading/ohlcv`: the pair's recent candles, prices as decimal strings, `time` in ms. */
export interface OhlcvReply {
  symbol: string;
  timeframe: string;
  candles: Candle[];
}
