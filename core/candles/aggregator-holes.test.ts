// Holes in the minutes (exchange maintenance, a disconnect, a failed priming): every longer candle that starts
// after a hole must come out whole and exactly right, one that misses minutes must come out partial (never
// stored), and none may be folded into a candle from before the hole. Checked against a plain group-by of the
// minutes written here, on real Binance candles around a 4h45 maintenance gap and on generated holes.
import { describeWithFixtures, fixture } from '../../test/helpers/fixtures';
import { sumQuantities } from '../../test/helpers/reference-candles';
import { CandleAggregator, type ClosedCandle, type MinuteCandle } from './aggregator';
import { TIMEFRAME_MS, TIMEFRAMES, type Timeframe } from './timeframes';

const MINUTE = 60_000;
const HOUR = 3_600_000;

interface Expected {
  openTime: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

/**
 * The longer candles the plain way: group the minutes by UTC bucket; a bucket is complete when it holds all its
 * minutes; open, high and low come from the minutes that traded (a minute without trades is the previous close).
 */
function groupBy(minutes: MinuteCandle[], timeframe: Timeframe): { complete: Expected[]; incomplete: Set<number> } {
  const ms = TIMEFRAME_MS[timeframe];
  const buckets = new Map<number, MinuteCandle[]>();
  for (const m of minutes) {
    const start = Math.floor(m.openTime / ms) * ms;
    const group = buckets.get(start);
    if (group) group.push(m);
    else buckets.set(start, [m]);
  }
  const complete: Expected[] = [];
  const incomplete = new Set<number>();
  for (const [openTime, group] of buckets) {
    if (group.length !== ms / MINUTE) {
      incomplete.add(openTime);
      continue;
    }
    const traded = group.some((m) => m.trades > 0) ? group.filter((m) => m.trades > 0) : group;
    complete.push({
      openTime,
      open: traded[0].open,
      high: traded.map((m) => m.high).reduce((a, b) => (+b > +a ? b : a)),
      low: traded.map((m) => m.low).reduce((a, b) => (+b < +a ? b : a)),
      close: group[group.length - 1].close,
      volume: sumQuantities(group.map((m) => m.volume)),
    });
  }
  return { complete, incomplete };
}

/** One line per candle: Jest compares one long string far faster than thousands of objects, and diffs it by line. */
const line = (timeframe: Timeframe, c: Expected) =>
  `${timeframe} ${new Date(c.openTime).toISOString()} ${c.open} ${c.high} ${c.low} ${c.close} ${c.volume}`;

/** The aggregator's candles against the group-by: whole ones equal, partial ones only where minutes are missing. */
function compare(closed: ClosedCandle[], minutes: MinuteCandle[]): (closed: ClosedCandle[]) => void {
  const reference = TIMEFRAMES.map((timeframe) => ({ timeframe, ...groupBy(minutes, timeframe) }));
  const expected = reference.flatMap(({ timeframe, complete }) => complete.map((c) => line(timeframe, c))).join('\n');
  const check = (candles: ClosedCandle[]) => {
    const ours: string[] = [];
    const mislabelled: string[] = [];
    for (const { timeframe, incomplete } of reference) {
      for (const c of candles.filter((k) => k.timeframe === timeframe)) {
        if (!c.partial) ours.push(line(timeframe, c));
        else if (!incomplete.has(c.openTime)) mislabelled.push(line(timeframe, c));
      }
    }
    expect(ours.join('\n')).toBe(expected);
    expect(mislabelled).toEqual([]);
  };
  check(closed);
  return check;
}

/** The repair path: closed minutes from the exchange's history, holes and all. */
function fromHistory(minutes: MinuteCandle[]): ClosedCandle[] {
  const agg = new CandleAggregator('ETHUSDT', 0);
  return minutes.flatMap((m) => agg.addMinute(m));
}

describeWithFixtures('on real Binance ETH/USDT 1m candles around the maintenance of 2021-04-25 04:01–08:44', () => {
  const rows = JSON.parse(fixture('ohlcv/binance_spot_ETH_USDT-1m.json')) as number[][];
  const from = Date.UTC(2021, 3, 24, 20);
  const to = Date.UTC(2021, 3, 25, 16);
  const minutes: MinuteCandle[] = rows
    .filter(([t]) => t >= from && t < to)
    .map(([openTime, open, high, low, close, volume]) => ({
      openTime,
      open: String(open),
      high: String(high),
      low: String(low),
      close: String(close),
      volume: volume.toFixed(8),
      trades: volume > 0 ? 1 : 0,
    }));
  const closed = fromHistory(minutes);

  it('has the gap it is about', () => {
    expect(minutes.some((m) => m.openTime === Date.UTC(2021, 3, 25, 4, 1))).toBe(false);
    expect(minutes.some((m) => m.openTime === Date.UTC(2021, 3, 25, 8, 45))).toBe(true);
  });

  it('gives the complete 5m candle of 08:45 whole, as Binance does', () => {
    const candle = closed.find((c) => c.timeframe === '5m' && c.openTime === Date.UTC(2021, 3, 25, 8, 45));
    expect(candle).toMatchObject({ open: '2193.33', high: '2233.88', low: '2192.26', close: '2232.7' });
    expect(candle).toMatchObject({ volume: '7347.50433', partial: false });
    expect(closed.filter((c) => c.openTime === Date.UTC(2021, 3, 25, 4) && !c.partial).map((c) => c.timeframe)).toEqual(
      ['1m'],
    );
  });

  it("gives every whole 5m candle equal to Binance's own 5m candles", () => {
    const binance = new Map(
      (JSON.parse(fixture('ohlcv/binance_spot_ETH_USDT-5m.json')) as number[][]).map((r) => [r[0], r.slice(1)]),
    );
    const ours = closed.filter((c) => c.timeframe === '5m' && !c.partial);
    expect(ours.length).toBeGreaterThan(120);
    const row = (time: number, values: (string | number)[]) =>
      `${new Date(time).toISOString()} ${values.map(Number).join(' ')}`;
    expect(ours.map((c) => row(c.openTime, [c.open, c.high, c.low, c.close, c.volume])).join('\n')).toBe(
      ours.map((c) => row(c.openTime, binance.get(c.openTime) ?? [])).join('\n'),
    );
  });

  it('gives every timeframe equal to a group-by of the minutes', () => {
    compare(closed, minutes);
  });
});

describe('on generated holes at every timeframe boundary', () => {
  const t0 = Date.UTC(2024, 0, 1);
  const span = 24 * HOUR;
  // Prices around BTC's, a few minutes without trades (the previous close, volume 0) as Binance gives them.
  const all: MinuteCandle[] = [];
  let price = 6_743_217;
  for (let t = t0, i = 0; t < t0 + span; t += MINUTE, i++) {
    const cents = (n: number) => (n / 100).toFixed(2);
    if (i % 37 === 11) {
      all.push({
        openTime: t,
        open: cents(price),
        high: cents(price),
        low: cents(price),
        close: cents(price),
        volume: '0',
        trades: 0,
      });
      continue;
    }
    const open = price;
    price += ((i * 7919) % 2001) - 1000;
    const close = price;
    const high = Math.max(open, close) + ((i * 31) % 500);
    const low = Math.min(open, close) - ((i * 17) % 500);
    all.push({
      openTime: t,
      open: cents(open),
      high: cents(high),
      low: cents(low),
      close: cents(close),
      volume: `${i % 9}.${String(i * 104_729)
        .padStart(8, '0')
        .slice(-8)}`,
      trades: 1 + (i % 5),
    });
  }

  // Each hole starts on a boundary of its timeframe that no longer timeframe shares (or a minute either side),
  // and ends on or off the boundaries.
  const holes: [Timeframe, string, number, number, number][] = [];
  for (const timeframe of TIMEFRAMES) {
    const ms = TIMEFRAME_MS[timeframe];
    for (const offset of [-MINUTE, 0, MINUTE]) {
      const start = t0 + 4 * HOUR + ms + offset;
      for (const length of new Set([MINUTE, ms - MINUTE, ms, ms + MINUTE, 4 * HOUR + ms + MINUTE])) {
        if (length > 0)
          holes.push([timeframe, new Date(start).toISOString().slice(11, 16), length / MINUTE, start, length]);
      }
    }
  }
  /**
   * The minutes without the hole, from a whole 4h candle before it to a whole one after it; one without trades is at the
   * previous close, as the exchange gives it.
   */
  const without = (start: number, length: number) => {
    const from = Math.floor(start / (4 * HOUR)) * 4 * HOUR - 4 * HOUR;
    const to = Math.ceil((start + length) / (4 * HOUR)) * 4 * HOUR + 4 * HOUR;
    let previous = '';
    return all
      .filter((m) => m.openTime >= from && m.openTime < to && (m.openTime < start || m.openTime >= start + length))
      .map((m) => {
        const minute =
          m.trades > 0 || !previous ? m : { ...m, open: previous, high: previous, low: previous, close: previous };
        previous = minute.close;
        return minute;
      });
  };

  /** The live path: primed minutes, the hole skipped, then trades closed on the clock. */
  function live(minutes: MinuteCandle[], start: number, length: number): ClosedCandle[] {
    const agg = new CandleAggregator('BTCUSDT', 0);
    const closed = minutes.filter((m) => m.openTime < start).flatMap((m) => agg.addMinute(m));
    agg.skipTo(start + length);
    for (const m of minutes.filter((m) => m.openTime >= start)) {
      closed.push(...agg.closeDue(m.openTime));
      if (m.trades === 0) continue;
      // Open, high, low, close as four trades; the volume on the first.
      agg.addTrade(m.open, m.volume, m.openTime);
      agg.addTrade(m.high, '0', m.openTime + 1);
      agg.addTrade(m.low, '0', m.openTime + 2);
      agg.addTrade(m.close, '0', m.openTime + 3);
    }
    return [...closed, ...agg.closeDue(minutes[minutes.length - 1].openTime + MINUTE)];
  }

  it.each(holes)(
    'hole at a %s boundary, from %s for %i min: from the history and live',
    (_tf, _at, _n, start, length) => {
      const minutes = without(start, length);
      const check = compare(fromHistory(minutes), minutes);
      check(live(minutes, start, length));
    },
  );
});
