import { Dec } from '../decimal';
import type { CandleRow } from './history';

/**
 * Builds the candles of a timeframe an exchange does not serve (10m on Binance) from its shorter ones, `rows` in
 * ascending open time, prices and volumes as the decimal strings PostgreSQL returns (or numbers). Exact: prices are
 * compared and volumes summed as decimals. Each candle opens at its UTC bucket's start, whatever its first
 * sub-candle; only buckets that end by `until` are built, so a forming candle, or one whose last sub-candles the
 * exchange may not have served yet, never is.
 *
 * A bucket with sub-candles missing is built from those present. Its sub-candles were asked of the exchange (see
 * download.ts) and `until` is past the bucket, so a missing one is a stretch where the exchange has no data (an
 * outage), and the exchange's own candle over it is made of what traded around it: Binance's 4h candles over the
 * outages of its 1h history are the aggregation of the 1h candles present, on every one of them (the shared
 * fixtures). The heartbeat drops such a candle instead because it cannot tell an outage from trades it missed
 * itself (a disconnect). A bucket with no sub-candle has no candle, as on the exchange.
 *
 * As in the heartbeat's aggregator, sub-candles without volume (no trade: the exchange repeats the previous close)
 * give no open, high or low to the longer candle unless none of its sub-candles traded.
 */
export function buildCandles(rows: readonly CandleRow[], step: number, until: number): CandleRow[] {
  const built: CandleRow[] = [];
  let first = 0;
  while (first < rows.length) {
    const start = Math.floor(rows[first][0] / step) * step;
    let end = first;
    while (end < rows.length && rows[end][0] < start + step) end++;
    if (start + step <= until) built.push(merge(start, rows, first, end));
    first = end;
  }
  return built;
}

function merge(start: number, rows: readonly CandleRow[], from: number, to: number): CandleRow {
  const decimal = (value: string | number) => new Dec(String(value));
  let volume = new Dec(0);
  let traded: CandleRow[] = [];
  for (let k = from; k < to; k++) {
    const v = decimal(rows[k][5]);
    volume = volume.plus(v);
    if (v.gt(0)) traded.push(rows[k]);
  }
  if (traded.length === 0) traded = rows.slice(from, to);
  let high = decimal(traded[0][2]);
  let low = decimal(traded[0][3]);
  for (const row of traded) {
    const h = decimal(row[2]);
    const l = decimal(row[3]);
    if (h.gt(high)) high = h;
    if (l.lt(low)) low = l;
  }
  return [
    start,
    decimal(traded[0][1]).toFixed(),
    high.toFixed(),
    low.toFixed(),
    decimal(rows[to - 1][4]).toFixed(),
    volume.toFixed(),
  ];
}
