import { uniqueName, type Client } from './app';

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

/** Imports candle rows as a new source of the client's (JSON, 1h BTC/USDT) and returns the source's name. */
export async function importCandles(client: Client, rows: number[][]): Promise<string> {
  const source = uniqueName('imp');
  if (!client.token) await client.csrf();
  const query = new URLSearchParams({ source, symbol: 'BTC/USDT', timeframe: '1h', format: 'json' });
  const imported = await client.agent
    .post(`/api/candles/import?${query}`)
    .set('X-CSRF-Token', client.token)
    .set('Content-Type', 'application/json')
    .send(JSON.stringify(rows));
  expect(imported.status).toBe(201);
  return source;
}
