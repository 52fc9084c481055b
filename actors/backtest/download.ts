import type { Knex } from 'knex';
import { findExchange } from '../../core/exchanges/catalog';
import type { ExchangeClients } from '../../core/exchanges/ccxt-client';
import { mapExchangeError } from '../../core/exchanges/errors';
import type { RequestPacer } from '../../core/exchanges/request-pacer';
import { BACKTEST_TIMEFRAMES, storeCandles, type CandleKey, type CandleRow } from '../../core/candles/history';

const PAGE = 1000;

export interface DownloadHooks {
  /** Called after each page with the share of the missing span covered so far (0–1); true stops the download. */
  checkpoint(done: number): Promise<boolean>;
}

/**
 * Downloads the missing stretches with ccxt's fetchOHLCV, a page at a time, paced like every public request, and
 * stores each page as it arrives (shared by every user). Returns false when stopped.
 */
export async function downloadGaps(
  deps: { db: Knex; clients: ExchangeClients; pacer: RequestPacer },
  key: CandleKey,
  gaps: [number, number][],
  hooks: DownloadHooks,
): Promise<boolean> {
  const step = BACKTEST_TIMEFRAMES[key.timeframe];
  const total = gaps.reduce((sum, [a, b]) => sum + (b - a), 0);
  if (total === 0) return true;
  const exchangeName = findExchange(key.source)?.name ?? key.source;
  const exchange = await deps.clients.markets(key.source, false).catch((error: unknown) => {
    throw mapExchangeError(error, exchangeName);
  });
  let covered = 0;
  for (const [start, end] of gaps) {
    let since = start;
    while (since < end) {
      await deps.pacer.wait(`public-${key.source}`, findExchange(key.source)?.rateLimit ?? 0);
      let page: number[][];
      try {
        page = (await exchange.fetchOHLCV(key.symbol, key.timeframe, since, PAGE)) as number[][];
      } catch (error) {
        throw mapExchangeError(error, exchangeName);
      }
      const rows = page.filter((r) => r[0] >= since && r[0] < end) as unknown as CandleRow[];
      await storeCandles(deps.db, key, rows);
      // An empty page is an outage or the start of the market's history: skip what the page would have covered.
      const next = rows.length ? rows[rows.length - 1][0] + step : since + PAGE * step;
      covered += Math.min(next, end) - since;
      since = next;
      if (await hooks.checkpoint(covered / total)) return false;
    }
  }
  return true;
}
