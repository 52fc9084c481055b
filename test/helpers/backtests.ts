/** A backtest request every suite can send: one day of binance BTC/USDT 1h (a range no test downloads). */
export function backtestBody(strategyId: number, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    strategyId,
    source: 'binance',
    symbol: 'BTC/USDT',
    timeframe: '1h',
    from: '2024-01-01',
    to: '2024-01-02',
    initialAmount: '1000',
    ...fields,
  };
}
