import { bucketStart, TIMEFRAME_MS, TIMEFRAMES, type Timeframe } from './timeframes';
import { VolumeSum } from './volume';

/** A closed candle. Prices are the exchange's decimal strings, untouched; the volume is an exact decimal string. */
export interface ClosedCandle {
  symbol: string;
  timeframe: Timeframe;
  openTime: number;
  /** Binance's convention: the last millisecond of the candle (openTime + length - 1). */
  closeTime: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  trades: number;
  /** The aggregator started inside this candle, or skipped minutes of it: trades are missing from it. */
  partial: boolean;
  /** Some of its minutes came from the exchange's history (REST klines) rather than the live trades. */
  backfilled: boolean;
}

/** A closed one-minute candle from the exchange's history, used to prime or repair. */
export interface MinuteCandle {
  openTime: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  trades: number;
}

interface Building {
  openTime: number;
  open: string;
  high: string;
  highN: number;
  low: string;
  lowN: number;
  close: string;
  volume: VolumeSum;
  trades: number;
  partial: boolean;
  backfilled: boolean;
}

function fresh(openTime: number, price: string, priceN: number, partial: boolean): Building {
  return {
    backfilled: false,
    openTime,
    open: price,
    high: price,
    highN: priceN,
    low: price,
    lowN: priceN,
    close: price,
    volume: new VolumeSum(),
    trades: 0,
    partial,
  };
}

/**
 * Turns one symbol's trades into candles for every timeframe. Trades update only the 1m candle (one update per
 * message on the hot path); longer timeframes are folded from closed 1m candles, which gives exactly the candles a
 * direct aggregation of the trades would. Candles close on the clock (`closeDue`), not on the next trade: a minute
 * without trades still closes, with o=h=l=c=previous close and volume 0, as Binance does. Trades stamped before a
 * boundary are accepted until the boundary plus `graceMs`; later ones are counted in `lateTrades` and dropped.
 */
export class CandleAggregator {
  lateTrades = 0;
  private readonly minutes = new Map<number, Building>();
  /** Open time of the next 1m candle to close; undefined until the first trade. */
  private nextMinute: number | undefined;
  private lastClose: string | undefined;
  private readonly higher: Map<Timeframe, Building | undefined>;

  constructor(
    readonly symbol: string,
    private readonly graceMs = 1_000,
    readonly timeframes: readonly Timeframe[] = TIMEFRAMES,
  ) {
    this.higher = new Map(timeframes.filter((tf) => tf !== '1m').map((tf) => [tf, undefined]));
  }

  /** Adds one trade (price and quantity as the exchange sent them, time in epoch ms). */
  addTrade(price: string, quantity: string, time: number): void {
    const minute = time - (time % 60_000);
    let first = false;
    if (this.nextMinute === undefined) {
      this.nextMinute = minute;
      first = true;
    } else if (minute < this.nextMinute) {
      this.lateTrades++;
      return;
    }
    const priceN = +price;
    let candle = this.minutes.get(minute);
    if (!candle) {
      // The minute the aggregator started in lacks the trades from before the start.
      candle = fresh(minute, price, priceN, first);
      this.minutes.set(minute, candle);
    } else {
      if (priceN > candle.highN) {
        candle.high = price;
        candle.highN = priceN;
      } else if (priceN < candle.lowN) {
        candle.low = price;
        candle.lowN = priceN;
      }
      candle.close = price;
    }
    candle.volume.add(quantity);
    candle.trades++;
  }

  /**
   * Feeds one closed minute from the exchange's history, before any trade: the aggregator then continues from the
   * next minute with the longer candles already holding their earlier minutes. Returns the candles it closes.
   */
  addMinute(candle: MinuteCandle): ClosedCandle[] {
    if (this.nextMinute !== undefined && candle.openTime < this.nextMinute) return [];
    if (this.nextMinute !== undefined && candle.openTime > this.nextMinute) this.skipTo(candle.openTime);
    const minute: Building = {
      ...fresh(candle.openTime, candle.open, +candle.open, false),
      high: candle.high,
      highN: +candle.high,
      low: candle.low,
      lowN: +candle.low,
      close: candle.close,
      trades: candle.trades,
      backfilled: true,
    };
    minute.volume.add(candle.volume);
    return this.closeMinute(minute);
  }

  /**
   * Jumps to `openTime` without closing the minutes before it (history that could not be had): the longer candle
   * the hole ends inside of is marked partial, one the hole runs past is dropped unfinished, and trades before
   * `openTime` are dropped as late.
   */
  skipTo(openTime: number): void {
    if (this.nextMinute !== undefined && openTime <= this.nextMinute) return;
    // A candle the hole runs past can never close; kept, it would swallow the first candle after the hole (its
    // open, its label). Partial candles are never stored, so dropping it loses nothing. A longer candle that
    // begins at or after the hole is complete; `fold` marks the ones that begin inside it.
    for (const [timeframe, candle] of this.higher) {
      if (!candle) continue;
      if (candle.openTime === bucketStart(openTime, timeframe)) candle.partial = true;
      else this.higher.set(timeframe, undefined);
    }
    for (const minute of [...this.minutes.keys()]) if (minute < openTime) this.minutes.delete(minute);
    this.nextMinute = openTime;
  }

  /** The open time of the next candle boundary at which `closeDue` will have work, for the close timer. */
  nextDeadline(): number | undefined {
    return this.nextMinute === undefined ? undefined : this.nextMinute + 60_000 + this.graceMs;
  }

  /** Closes every candle whose end plus the grace period is at or before `now`, oldest first. */
  closeDue(now: number): ClosedCandle[] {
    const closed: ClosedCandle[] = [];
    while (this.nextMinute !== undefined && this.nextMinute + 60_000 + this.graceMs <= now) {
      const openTime = this.nextMinute;
      let minute = this.minutes.get(openTime);
      this.minutes.delete(openTime);
      if (!minute) {
        // No trade this minute: Binance's empty candle, at the previous close.
        const price = this.lastClose ?? '0';
        minute = fresh(openTime, price, +price, false);
      }
      closed.push(...this.closeMinute(minute));
    }
    return closed;
  }

  private closeMinute(minute: Building): ClosedCandle[] {
    const closed: ClosedCandle[] = [];
    this.lastClose = minute.close;
    this.nextMinute = minute.openTime + 60_000;
    if (this.timeframes.includes('1m')) closed.push(this.finish(minute, '1m'));
    this.fold(minute, closed);
    return closed;
  }

  private fold(minute: Building, closed: ClosedCandle[]): void {
    for (const [timeframe, current] of this.higher) {
      const start = bucketStart(minute.openTime, timeframe);
      let candle = current;
      // Empty minutes carry no trade: a longer candle's open, high and low come from its traded minutes only
      // (as a group-by of the trades gives), unless none traded at all.
      if (!candle || (candle.trades === 0 && minute.trades > 0)) {
        // An all-empty candle so far has volume 0: restarting it from this minute loses nothing.
        const partial = candle?.partial ?? (minute.partial || minute.openTime !== start);
        candle = {
          ...fresh(start, minute.open, +minute.open, partial),
          high: minute.high,
          highN: minute.highN,
          low: minute.low,
          lowN: minute.lowN,
          backfilled: minute.backfilled || Boolean(candle?.backfilled),
        };
      } else if (minute.trades > 0) {
        if (minute.highN > candle.highN) {
          candle.high = minute.high;
          candle.highN = minute.highN;
        }
        if (minute.lowN < candle.lowN) {
          candle.low = minute.low;
          candle.lowN = minute.lowN;
        }
      }
      candle.close = minute.close;
      candle.backfilled ||= minute.backfilled;
      candle.volume.addSum(minute.volume);
      candle.trades += minute.trades;
      if (minute.openTime + 60_000 === start + TIMEFRAME_MS[timeframe]) {
        closed.push(this.finish(candle, timeframe));
        this.higher.set(timeframe, undefined);
      } else {
        this.higher.set(timeframe, candle);
      }
    }
  }

  private finish(candle: Building, timeframe: Timeframe): ClosedCandle {
    return {
      symbol: this.symbol,
      timeframe,
      openTime: candle.openTime,
      closeTime: candle.openTime + TIMEFRAME_MS[timeframe] - 1,
      open: candle.open,
      high: candle.high,
      low: candle.low,
      close: candle.close,
      volume: candle.volume.toString(),
      trades: candle.trades,
      partial: candle.partial,
      backfilled: candle.backfilled,
    };
  }
}
