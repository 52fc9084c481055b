import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { CandleAggregator, type ClosedCandle } from '../../core/candles/aggregator';
import { bucketStart } from '../../core/candles/timeframes';
import { fetchMinuteKlines } from '../../core/feeds/binance-klines';
import { binanceId } from '../../core/feeds/binance-symbols';
import { INCOHERENT, openAlertSpan, raiseAlert, resolveAlerts } from './alerts';
import { findHoles, firstStoredMinute } from './candle-store';

const MINUTE = 60_000;
const ATTEMPTS = 3;

export interface HistoryOptions {
  db: Knex;
  logger: Logger;
  restUrl: string;
  /** How far back a repair looks for holes. */
  backfillMaxMs: number;
  requestTimeoutMs?: number;
  /** Pause between attempts; tests shorten it. */
  retryDelayMs?: number;
}

/**
 * The exchange's history, used to make the stored candles whole: priming a fresh aggregator with the minutes
 * before the live ones, and repairing holes left by a disconnect, a restart or a failed priming.
 */
export class History {
  constructor(private readonly options: HistoryOptions) {}

  /** Closed 1m klines for [from, to], retried a few times; throws the last error. */
  async minutes(symbol: string, from: number, to: number) {
    let lastError: unknown;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        return await fetchMinuteKlines(
          this.options.restUrl,
          binanceId(symbol),
          from,
          to,
          this.options.requestTimeoutMs,
        );
      } catch (error) {
        lastError = error;
        this.options.logger.warn({ err: error, symbol, attempt }, 'klines request failed');
        await new Promise((r) => setTimeout(r, (this.options.retryDelayMs ?? 1_000) * (attempt + 1)));
      }
    }
    throw lastError;
  }

  /**
   * Feeds `aggregator` (fresh, no trade yet) every minute from the start of the current 4h candle up to the
   * minute `lastMinute`, so that its longer candles are whole. Returns the candles it closed on the way.
   */
  async prime(aggregator: CandleAggregator, lastMinute: number): Promise<ClosedCandle[]> {
    const from = bucketStart(lastMinute + MINUTE, '4h');
    const closed: ClosedCandle[] = [];
    if (from <= lastMinute) {
      for (const minute of await this.minutes(aggregator.symbol, from, lastMinute)) {
        closed.push(...aggregator.addMinute(minute));
      }
    }
    aggregator.skipTo(lastMinute + MINUTE);
    return closed;
  }

  /**
   * Looks for missing candles of `symbol` that ended before `upTo`, within the backfill window and not before the
   * first candle ever stored, and rebuilds them from the klines (aligned on 4h so longer candles come out whole).
   * `record` stores what it is given. Leaves an `heartbeat_incoherent` alert when holes remain, resolves it otherwise.
   */
  async repair(
    symbol: string,
    upTo: number,
    now: number,
    record: (candles: ClosedCandle[]) => Promise<void>,
  ): Promise<{ repaired: number; missing: number }> {
    const { db, logger } = this.options;
    // Holes count from the first candle stored, or from where an unrepaired failure says candles should start.
    const stored = await firstStoredMinute(db, symbol);
    const damaged = await openAlertSpan(db, INCOHERENT, symbol);
    const first = Math.min(stored ?? Infinity, damaged?.from ?? Infinity);
    if (first === Infinity) return { repaired: 0, missing: 0 };
    const windowStart = Math.max(first, bucketStart(now - this.options.backfillMaxMs, '4h'));
    const before = await findHoles(db, symbol, windowStart, upTo);
    // An alert is cleared only once the whole span it covers has closed and is whole.
    const settled = !damaged || damaged.to <= upTo;
    if (before.missing === 0) {
      if (settled) await resolveAlerts(db, INCOHERENT, symbol);
      return { repaired: 0, missing: 0 };
    }
    const from = Math.max(bucketStart(before.earliest!, '4h'), bucketStart(windowStart, '4h'));
    const lastMinute = Math.floor((upTo + 1) / MINUTE) * MINUTE - MINUTE;
    try {
      const aggregator = new CandleAggregator(symbol, 0);
      const closed: ClosedCandle[] = [];
      for (const minute of await this.minutes(symbol, from, lastMinute)) closed.push(...aggregator.addMinute(minute));
      await record(closed.filter((c) => c.closeTime <= upTo));
    } catch (error) {
      logger.error({ err: error, symbol }, 'repair failed');
    }
    const after = await findHoles(db, symbol, windowStart, upTo);
    if (after.missing > 0) {
      await raiseAlert(
        db,
        INCOHERENT,
        symbol,
        `Heartbeat non cohérent : ${after.missing} bougies ${symbol} manquantes`,
        {
          from: new Date(after.earliest!).toISOString(),
          to: new Date(upTo).toISOString(),
          missing: after.missing,
        },
      );
    } else if (settled) {
      await resolveAlerts(db, INCOHERENT, symbol);
    }
    logger.info({ symbol, missingBefore: before.missing, missingAfter: after.missing }, 'candles repaired');
    return { repaired: before.missing - after.missing, missing: after.missing };
  }
}
