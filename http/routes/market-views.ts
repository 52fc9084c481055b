import { trimNullableDecimal as text } from '../../core/decimal';

// The JSON of the market routes; the web app reads its types from here. Dates go out as ISO strings (res.json).

/** The columns of `exchange_symbols` a market's line shows. */
export interface SymbolRow {
  symbol: string;
  base: string;
  quote: string;
  active: boolean;
  min_amount: string | null;
  min_cost: string | null;
  amount_precision: string | null;
  price_precision: string | null;
  taker_fee: string | null;
}

export function symbolItem(r: SymbolRow) {
  return {
    symbol: r.symbol,
    base: r.base,
    quote: r.quote,
    active: r.active,
    minAmount: text(r.min_amount),
    minCost: text(r.min_cost),
    amountStep: text(r.amount_precision),
    priceStep: text(r.price_precision),
    /** The taker fee rate ('0.001'), for an order's estimated fee. */
    takerFee: text(r.taker_fee),
  };
}
export type SymbolItem = ReturnType<typeof symbolItem>;

/** `GET /api/symbols`: one page of an exchange's markets. */
export interface SymbolPage {
  exchange: string;
  total: number;
  page: number;
  pageSize: number;
  items: SymbolItem[];
}

/** `GET /api/markets/status`: what `exchange_symbols` holds per exchange, and the loads under way. */
export interface MarketsStatus {
  exchanges: { exchange: string; name: string; count: number; updatedAt: Date }[];
  loading: { exchange: string; percent: number }[];
}
