import type { MinuteCandle } from '../candles/aggregator';

const PAGE = 1000;
const DECIMAL = /^\d+(\.\d+)?$/;

/** Binance's kline row: `[openTime, open, high, low, close, volume, closeTime, quoteVolume, trades, …]`. */
export function parseKline(row: unknown): MinuteCandle {
  if (!Array.isArray(row) || row.length < 9) throw new Error('ligne de kline illisible');
  const [openTime, open, high, low, close, volume, , , trades] = row as unknown[];
  for (const value of [open, high, low, close, volume]) {
    if (typeof value !== 'string' || !DECIMAL.test(value))
      throw new Error(`valeur de kline illisible : ${String(value)}`);
  }
  if (typeof openTime !== 'number' || typeof trades !== 'number')
    throw new Error('kline sans heure ou sans nombre de trades');
  return {
    openTime,
    open: open as string,
    high: high as string,
    low: low as string,
    close: close as string,
    volume: volume as string,
    trades,
  };
}

/**
 * The closed one-minute candles of `symbol` whose open time is in [from, to], from Binance's REST klines endpoint,
 * paged by 1000. Minutes the exchange has no candle for (maintenance) are simply absent from the result.
 */
export async function fetchMinuteKlines(
  restUrl: string,
  symbol: string,
  from: number,
  to: number,
  timeoutMs = 10_000,
): Promise<MinuteCandle[]> {
  const candles: MinuteCandle[] = [];
  let start = from;
  while (start <= to) {
    const url = new URL('/api/v3/klines', restUrl);
    url.search = new URLSearchParams({
      symbol,
      interval: '1m',
      startTime: String(start),
      endTime: String(to),
      limit: String(PAGE),
    }).toString();
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const message = (body as { msg?: string } | undefined)?.msg ?? response.statusText;
      throw new Error(`Binance klines ${response.status} : ${message}`);
    }
    if (!Array.isArray(body)) throw new Error('réponse klines illisible');
    const page = body.map(parseKline).filter((c) => c.openTime >= start && c.openTime <= to);
    candles.push(...page);
    if (body.length < PAGE || page.length === 0) break;
    start = page[page.length - 1]!.openTime + 60_000;
  }
  return candles;
}
