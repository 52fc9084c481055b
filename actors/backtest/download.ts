import type { Knex } from 'knex';
import { buildCandles } from '../../core/candles/build-candles';
import {
  BACKTEST_TIMEFRAME_NAMES,
  BACKTEST_TIMEFRAMES,
  loadRows,
  missingRanges,
  storeCandles,
  type BacktestTimeframe,
  type CandleKey,
  type CandleRow,
} from '../../core/candles/history';
import { AppError } from '../../core/errors';
import { findExchange } from '../../core/exchanges/catalog';
import type { ExchangeClients } from '../../core/exchanges/ccxt-client';
import { mapExchangeError } from '../../core/exchanges/errors';
import type { RequestPacer } from '../../core/exchanges/request-pacer';

const PAGE = 1000;
/** Shorter candles read and built from at once: a few pages, so that a year of 5m candles is never all in memory. */
const BUILD_WINDOW = 20 * PAGE;

export interface DownloadHooks {
  /** Called after each page with the share of the missing span covered so far (0–1); true stops the download. */
  checkpoint(done: number): Promise<boolean>;
}

type Deps = { db: Knex; clients: ExchangeClients; pacer: RequestPacer };
type Exchange = Awaited<ReturnType<ExchangeClients['markets']>>;

/**
 * Downloads the missing stretches with ccxt's fetchOHLCV, a page at a time, paced like every public request, and
 * stores each page as it arrives (shared by every user). A timeframe the exchange does not serve (10m on Binance)
 * is built from the longest one it serves that divides it: those shorter candles are read from the database where
 * stored (the heartbeat's, an earlier run's), downloaded and stored under their own key otherwise, then merged.
 * Returns false when stopped.
 */
export async function downloadGaps(
  deps: Deps,
  key: CandleKey,
  gaps: [number, number][],
  hooks: DownloadHooks,
): Promise<boolean> {
  const total = gaps.reduce((sum, [a, b]) => sum + (b - a), 0);
  if (total === 0) return true;
  const exchangeName = findExchange(key.source)?.name ?? key.source;
  const exchange = await deps.clients.markets(key.source, false).catch((error: unknown) => {
    throw mapExchangeError(error, exchangeName);
  });
  const base = servedTimeframe(exchange.timeframes, key.timeframe);
  if (!base) {
    throw new AppError(
      'TIMEFRAME_UNAVAILABLE',
      `Unité de temps : ${exchangeName} ne fournit pas de bougies ${key.timeframe}, ni d'unité plus courte pour les construire`,
      'timeframe',
    );
  }
  const fetcher = new PageFetcher(deps, exchange, exchangeName);
  let before = 0;
  for (const [start, end] of gaps) {
    // The share done once the download has reached `time` in this gap.
    const at = (time: number) => hooks.checkpoint((before + Math.min(Math.max(time, start), end) - start) / total);
    const complete =
      base === key.timeframe
        ? await fetcher.fetch(key, start, end, at).then((r) => r.complete)
        : await buildStretch(deps, fetcher, key, base, [start, end], at);
    if (!complete) return false;
    before += end - start;
  }
  return true;
}

/**
 * The timeframe to ask the exchange for `timeframe`'s candles: itself when the exchange lists it (or lists none, as
 * ccxt leaves some exchanges), else the longest listed one that divides it (5m for 10m on Binance, else 1m), or
 * null when none does.
 */
export function servedTimeframe(
  offered: Record<string, unknown> | undefined,
  timeframe: BacktestTimeframe,
): BacktestTimeframe | null {
  if (!offered || Object.keys(offered).length === 0 || timeframe in offered) return timeframe;
  const step = BACKTEST_TIMEFRAMES[timeframe];
  const divisors = BACKTEST_TIMEFRAME_NAMES.filter(
    (tf) => tf in offered && BACKTEST_TIMEFRAMES[tf] < step && step % BACKTEST_TIMEFRAMES[tf] === 0,
  );
  return divisors.at(-1) ?? null;
}

/**
 * Builds the candles of [start, end) (aligned on `key`'s timeframe) from the `base` ones, a window at a time: what
 * the database lacks of them is downloaded first, so a sub-candle still missing is one the exchange does not have.
 */
async function buildStretch(
  deps: Deps,
  fetcher: PageFetcher,
  key: CandleKey,
  base: BacktestTimeframe,
  gap: [number, number],
  at: (time: number) => Promise<boolean>,
): Promise<boolean> {
  const step = BACKTEST_TIMEFRAMES[key.timeframe];
  const baseStep = BACKTEST_TIMEFRAMES[base];
  const baseKey: CandleKey = { ...key, timeframe: base };
  // Whole buckets only: a bucket cut by the gap's ends would be built from part of its sub-candles.
  const start = Math.floor(gap[0] / step) * step;
  const end = Math.ceil(gap[1] / step) * step;
  const window = Math.max(1, Math.floor((BUILD_WINDOW * baseStep) / step)) * step;
  for (let from = start; from < end; from += window) {
    const to = Math.min(end, from + window);
    // How far the exchange's history is known: the open of the latest candle it served, or the end of the latest
    // stored one. A bucket past it may still be missing its last sub-candles, not be an outage.
    let known = -Infinity;
    for (const [a, b] of await missingRanges(deps.db, baseKey, from, to)) {
      const fetched = await fetcher.fetch(baseKey, a, b, at);
      if (!fetched.complete) return false;
      known = Math.max(known, fetched.servedUpTo);
    }
    const rows = await loadRows(deps.db, baseKey, from, to);
    if (rows.length) known = Math.max(known, rows[rows.length - 1][0] + baseStep);
    await storeCandles(deps.db, key, buildCandles(rows, step, Math.min(known, Date.now())));
    if (await at(to)) return false;
  }
  return true;
}

/** fetchOHLCV a page at a time for one stretch, each page paced and stored as it arrives. */
class PageFetcher {
  constructor(
    private readonly deps: Deps,
    private readonly exchange: Exchange,
    private readonly exchangeName: string,
  ) {}

  /**
   * Stores the closed candles of [start, end). `servedUpTo` is the open time of the latest candle the exchange
   * answered with (beyond `end` included): its history before it is final.
   */
  async fetch(
    key: CandleKey,
    start: number,
    end: number,
    at: (time: number) => Promise<boolean>,
  ): Promise<{ complete: boolean; servedUpTo: number }> {
    const { deps, exchange } = this;
    const step = BACKTEST_TIMEFRAMES[key.timeframe];
    let servedUpTo = -Infinity;
    let since = start;
    while (since < end) {
      await deps.pacer.wait(`public-${key.source}`, findExchange(key.source)?.rateLimit ?? 0);
      let page: number[][];
      try {
        page = (await exchange.fetchOHLCV(key.symbol, key.timeframe, since, PAGE)) as number[][];
      } catch (error) {
        throw mapExchangeError(error, this.exchangeName);
      }
      const now = Date.now();
      for (const r of page) servedUpTo = Math.max(servedUpTo, r[0]);
      // The exchange's forming candle is never stored: it would be kept as it is now, unfinished.
      const rows = page.filter((r) => r[0] >= since && r[0] < end && r[0] + step <= now) as unknown as CandleRow[];
      await storeCandles(deps.db, key, rows);
      // An empty page is an outage or the start of the market's history: skip what the page would have covered.
      since = rows.length ? rows[rows.length - 1][0] + step : since + PAGE * step;
      if (await at(since)) return { complete: false, servedUpTo };
    }
    return { complete: true, servedUpTo };
  }
}
