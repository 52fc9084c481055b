// Market data for the suites of our own behaviour: the real public data when the shared fixtures are there (so
// the suites run on it, as they always have), else data generated here in the same formats, so a clone alone runs
// them too. Generated data is deterministic (one seeded generator), never random from run to run.
import type { AggTradeEvent } from '../fakes/binance-server';
import { fixture, haveFixtures } from './fixtures';

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** A small seeded generator (mulberry32): the same numbers on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * XRP/ETH trades as Binance's `aggTrade` events: the 12,477 real ones of 2019-10-11 → 13, or five generated hours
 * from 2019-10-11 00:00:11 UTC with what the real ones have — minutes without trades, several trades on one
 * millisecond, prices on the 1e-8 tick, quantities with decimals, both taker sides.
 */
export function xrpEthTrades(): AggTradeEvent[] {
  if (haveFixtures) {
    return fixture('trades/binance_XRPETH_aggTrade_ws_events_derived.jsonl')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as AggTradeEvent);
  }
  const random = seeded(20191011);
  const start = Date.UTC(2019, 9, 11);
  const trades: AggTradeEvent[] = [];
  let price = 148_000; // in 1e-8 ETH
  let id = 13_519_807;
  let tradeId = 24_000_000;
  for (let minute = 0; minute < 5 * 60; minute++) {
    // One minute in twelve, and a few more at random, has no trade at all.
    const count = minute % 12 === 7 || random() < 0.05 ? 0 : 1 + Math.floor(random() * 9);
    let at = start + minute * MINUTE + (minute === 0 ? 11_000 : 0);
    for (let k = 0; k < count; k++) {
      if (k === 0 || random() > 0.25)
        at = Math.min(at + Math.floor(random() * 7_000), start + (minute + 1) * MINUTE - 1);
      price = Math.max(100_000, price + Math.round((random() - 0.5) * 40));
      const trades_ = 1 + Math.floor(random() * 3);
      trades.push({
        e: 'aggTrade',
        E: at,
        s: 'XRPETH',
        a: id++,
        p: (price / 1e8).toFixed(8),
        q: (Math.floor(random() * 500_000) / 100 + 1).toFixed(8),
        f: tradeId,
        l: tradeId + trades_ - 1,
        T: at,
        m: random() < 0.5,
        M: true,
      });
      tradeId += trades_;
    }
  }
  return trades;
}

/**
 * BTC/USDT 1h candles in freqtrade's rows `[open time ms, open, high, low, close, volume]`: `rows.slice(from, to)` of
 * the real 2017 → 2022 file, or as many generated rows, a random walk with an outage (a few hours missing) every 900
 * hours as the real file has. Generated rows start `from` hours after 2012-01-01: before the real ones, so the two
 * never mix in one database, and two slices never overlap.
 */
export function btcHourlyCandles(from: number, to: number): number[][] {
  if (haveFixtures) {
    return (JSON.parse(fixture('ohlcv/binance_spot_BTC_USDT-1h.json')) as number[][]).slice(from, to);
  }
  const random = seeded(from);
  const rows: number[][] = [];
  let time = Date.UTC(2012, 0, 1) + from * HOUR;
  let close = 30_000;
  for (let k = 0; k < to - from; k++) {
    if (k > 0 && k % 900 === 450) time += 3 * HOUR;
    const open = close;
    close = Math.round(open * (1 + (random() - 0.5) * 0.02 + Math.sin(k / 40) * 0.002) * 100) / 100;
    const high = Math.round(Math.max(open, close) * (1 + random() * 0.004) * 100) / 100;
    const low = Math.round(Math.min(open, close) * (1 - random() * 0.004) * 100) / 100;
    rows.push([time, open, high, low, close, Math.round((500 + random() * 1500) * 1e6) / 1e6]);
    time += HOUR;
  }
  return rows;
}

/**
 * BTC/USDT 5m candles, rows as btcHourlyCandles: `rows.slice(from, to)` of the real 2021 file (outages of 15 to 56
 * intervals, some of them missing half of a 10m bucket; zero-volume bars), or as many generated rows with the same
 * features: in every 2,000 rows a few zero-volume bars at the previous close, then an outage of 10 intervals that
 * leaves the 10m bucket it starts in with its first half only and the one it ends in with its second half only.
 * Generated rows start `from` intervals after 2012-06-01, apart from the hourly ones.
 */
export function btcFiveMinuteCandles(from: number, to: number): number[][] {
  if (haveFixtures) {
    return (JSON.parse(fixture('ohlcv/binance_spot_BTC_USDT-5m.json')) as number[][]).slice(from, to);
  }
  const FIVE = 5 * MINUTE;
  const random = seeded(from + 5);
  const rows: number[][] = [];
  let time = Date.UTC(2012, 5, 1) + from * FIVE;
  let close = 40_000;
  let outagePending = false;
  for (let k = 0; k < to - from; k++) {
    if (k % 2000 === 0) outagePending = true;
    // The outage starts once the row before it opens a 10m bucket (one row later at most).
    if (outagePending && k % 2000 >= 1318 && (time - FIVE) % (2 * FIVE) === 0) {
      time += 10 * FIVE;
      outagePending = false;
    }
    const open = close;
    if (k % 2000 >= 1312 && k % 2000 < 1316) {
      rows.push([time, open, open, open, open, 0]);
    } else {
      close = Math.round(open * (1 + (random() - 0.5) * 0.004) * 100) / 100;
      const high = Math.round(Math.max(open, close) * (1 + random() * 0.001) * 100) / 100;
      const low = Math.round(Math.min(open, close) * (1 - random() * 0.001) * 100) / 100;
      rows.push([time, open, high, low, close, Math.round((20 + random() * 200) * 1e6) / 1e6]);
    }
    time += FIVE;
  }
  return rows;
}
