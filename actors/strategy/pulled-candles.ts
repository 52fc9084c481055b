import type { Knex } from 'knex';
import { BACKTEST_TIMEFRAMES, type BacktestTimeframe } from '../../core/candles/history';
import { findExchange } from '../../core/exchanges/catalog';
import type { ExchangeClients } from '../../core/exchanges/ccxt-client';
import type { RequestPacer } from '../../core/exchanges/request-pacer';
import { downloadGaps } from '../backtest/download';
import { SOURCE as STREAMED } from '../heartbeat/candle-store';

/** How long after a candle's close the exchange is asked for it: its last trades are in it by then. */
export const SETTLED_MS = 3000;
/**
 * The longest an evaluation waits for its candles (it holds its activation's lock meanwhile): the exchange's pace is
 * shared with every user's requests to it. Past it the evaluation fails and is retried later, the lock released.
 */
const PULL_DEADLINE_MS = 10_000;

export interface CandlePuller {
  db: Knex;
  clients: ExchangeClients;
  pacer: RequestPacer;
}

/**
 * The closed candles an evaluation lacks on an exchange the heartbeat does not stream (it follows Binance): fetched
 * from that exchange's public API (ccxt fetchOHLCV, paced per exchange like every public request) and stored under
 * the same market key, for every activation and backtest of that market. From the candle after the last one stored,
 * or the warm-up's first, to the one that just closed, asked SETTLED_MS after its close; the exchange's forming
 * candle is never stored. A timeframe the exchange does not serve (10m) is built from its shorter candles, stored
 * too (download.ts). False when the market is the heartbeat's or its timeframe is not one a backtest takes.
 */
export async function pullClosedCandles(
  deps: CandlePuller,
  key: { source: string; symbol: string; timeframe: string },
  lastOpen: number,
  count: number,
): Promise<boolean> {
  if (key.source === STREAMED || !findExchange(key.source) || !(key.timeframe in BACKTEST_TIMEFRAMES)) return false;
  const timeframe = key.timeframe as BacktestTimeframe;
  const step = BACKTEST_TIMEFRAMES[timeframe];
  const stored = (await deps
    .db('candles')
    .where({ source: key.source, symbol: key.symbol, timeframe })
    .where('open_time', '<=', new Date(lastOpen))
    .max('open_time as last')
    .first()) as { last: Date | null } | undefined;
  const first = lastOpen - (count - 1) * step;
  const from = stored?.last ? Math.max(first, new Date(stored.last).getTime() + step) : first;
  // Stored meanwhile (another evaluation of the market): there is something new to read.
  if (from > lastOpen) return true;
  const settled = lastOpen + step + SETTLED_MS - Date.now();
  if (settled > 0) await new Promise((resolve) => setTimeout(resolve, settled));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`candles of ${key.source} ${key.symbol} ${key.timeframe} not received in time`)),
      PULL_DEADLINE_MS,
    );
  });
  const download = downloadGaps(
    deps,
    { source: key.source, symbol: key.symbol, timeframe },
    [[from, lastOpen + step]],
    {
      checkpoint: async () => false,
    },
  );
  // A download past the deadline goes on and stores what it gets, for the retry to read.
  download.catch(() => undefined);
  try {
    await Promise.race([download, deadline]);
  } finally {
    clearTimeout(timer);
  }
  return true;
}
