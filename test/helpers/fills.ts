/** A fill as the statistics' tests write it: what the exchange filled, when, for what fee. */
export interface TestFill {
  at: number;
  side: 'buy' | 'sell';
  qty: string;
  price: string;
  symbol?: string;
  fee?: string;
  /** USDT unless told (when there is a fee). */
  feeCurrency?: string;
}

/**
 * The `trades` row of a market order filled whole, as the broker actor records one, for a history the tests write
 * directly; `origin` gives its source and the columns that name its activation or webhook.
 */
export function filledTradeRow(
  userId: number,
  brokerId: number,
  fill: TestFill,
  origin: Record<string, unknown> = { source: 'manual' },
) {
  return {
    user_id: userId,
    broker_id: brokerId,
    symbol: fill.symbol ?? 'BTC/USDT',
    side: fill.side,
    type: 'market',
    quantity: fill.qty,
    filled_quantity: fill.qty,
    average_price: fill.price,
    fee: fill.fee ?? null,
    fee_currency: fill.fee ? (fill.feeCurrency ?? 'USDT') : null,
    status: 'closed',
    executed_at: new Date(fill.at),
    created_at: new Date(fill.at),
    ...origin,
  };
}
