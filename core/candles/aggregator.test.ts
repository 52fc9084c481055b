// Candles from trades: the aggregator must give, for every timeframe, exactly the candles a plain group-by of the
// same real Binance trades gives, close on the clock even when no trade comes, and keep volumes exact.
import { describeWithFixtures, fixture } from '../../test/helpers/fixtures';
import { reference, type AggTrade } from '../../test/helpers/reference-candles';
import { CandleAggregator, type ClosedCandle, type MinuteCandle } from './aggregator';
import { TIMEFRAME_MS, TIMEFRAMES } from './timeframes';

const strip = ({ openTime, open, high, low, close, volume }: ClosedCandle) => ({
  openTime,
  open,
  high,
  low,
  close,
  volume,
});

describeWithFixtures('on 12,477 real Binance XRP/ETH aggTrades', () => {
  const trades = JSON.parse(fixture('trades/binance_XRPETH_aggTrades_raw_2019-10-11_13.json')) as AggTrade[];
  const aggregator = new CandleAggregator('XRPETH', 1_000);
  const closed: ClosedCandle[] = [];
  for (const t of trades) {
    closed.push(...aggregator.closeDue(t.T));
    aggregator.addTrade(t.p, t.q, t.T);
  }
  const end = trades[trades.length - 1].T;
  const until = Math.floor(end / TIMEFRAME_MS['4h']) * TIMEFRAME_MS['4h'];
  closed.push(...aggregator.closeDue(until + 1_000));
  /** Candles wholly before `until`, the last 4h boundary, so that every timeframe ends on a complete candle. */
  const settled = closed.filter((c) => c.closeTime < until);

  it.each(TIMEFRAMES)('%s candles equal a group-by of the same trades', (timeframe) => {
    const ours = settled.filter((c) => c.timeframe === timeframe).map(strip);
    const expected = reference(trades, timeframe, until).filter(
      (c) => c.openTime >= Math.floor(trades[0].T / TIMEFRAME_MS[timeframe]) * TIMEFRAME_MS[timeframe],
    );
    expect(ours.length).toBeGreaterThan(0);
    expect(ours).toEqual(expected.slice(0, ours.length));
    expect(ours.length).toBe(expected.length);
  });

  it.each([
    ['1m', 'trades/freqtrade_binance_XRP_ETH-1m_from_trades.csv'],
    ['5m', 'trades/freqtrade_binance_XRP_ETH-5m_from_trades.csv'],
  ] as const)("%s candles with trades match freqtrade's candles from the same trades", (timeframe, file) => {
    const rows = fixture(file)
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','));
    const ours = new Map(closed.filter((c) => c.timeframe === timeframe).map((c) => [c.openTime, c]));
    let compared = 0;
    for (const [openTime, , open, high, low, close, volume] of rows) {
      const candle = ours.get(Number(openTime));
      if (!candle) continue;
      compared++;
      expect([+candle.open, +candle.high, +candle.low, +candle.close, +candle.volume]).toEqual([
        +open,
        +high,
        +low,
        +close,
        +volume,
      ]);
    }
    expect(compared).toBeGreaterThan(rows.length * 0.9);
  });

  it('counts every trade once', () => {
    const minutes = settled.filter((c) => c.timeframe === '1m');
    expect(minutes.reduce((n, c) => n + c.trades, 0)).toBe(trades.filter((t) => t.T < until).length);
    expect(aggregator.lateTrades).toBe(0);
  });
});

describe('closing on the clock', () => {
  const t0 = Date.UTC(2024, 0, 1, 12, 0, 0);

  it('closes a minute at its boundary plus the grace period, without waiting for a trade', () => {
    const agg = new CandleAggregator('BTCUSDT', 500, ['1m']);
    agg.addTrade('100.5', '1', t0 + 10_000);
    expect(agg.closeDue(t0 + 60_000 + 499)).toEqual([]);
    expect(agg.nextDeadline()).toBe(t0 + 60_500);
    const [candle] = agg.closeDue(t0 + 60_500);
    expect(candle).toMatchObject({ openTime: t0, closeTime: t0 + 59_999, open: '100.5', close: '100.5', volume: '1' });
  });

  it('closes minutes without trades at the previous close with volume 0', () => {
    const agg = new CandleAggregator('BTCUSDT', 0, ['1m', '3m']);
    agg.addTrade('10', '2', t0 + 1_000);
    agg.addTrade('12', '1', t0 + 2_000);
    const closed = agg.closeDue(t0 + 180_000);
    expect(closed.map((c) => [c.timeframe, c.openTime - t0, c.open, c.high, c.low, c.close, c.volume])).toEqual([
      ['1m', 0, '10', '12', '10', '12', '3'],
      ['1m', 60_000, '12', '12', '12', '12', '0'],
      ['1m', 120_000, '12', '12', '12', '12', '0'],
      ['3m', 0, '10', '12', '10', '12', '3'],
    ]);
  });

  it('takes a late trade within the grace period and drops one after it', () => {
    const agg = new CandleAggregator('BTCUSDT', 1_000, ['1m']);
    agg.addTrade('10', '1', t0 + 59_000);
    agg.addTrade('11', '1', t0 + 60_100);
    agg.addTrade('9', '1', t0 + 59_900);
    const [first] = agg.closeDue(t0 + 61_000);
    expect(first).toMatchObject({ low: '9', close: '9', volume: '2', trades: 2 });
    agg.addTrade('8', '1', t0 + 59_950);
    expect(agg.lateTrades).toBe(1);
    const [second] = agg.closeDue(t0 + 121_000);
    expect(second).toMatchObject({ openTime: t0 + 60_000, open: '11', low: '11', volume: '1' });
  });

  it('marks candles that started before the aggregator as partial', () => {
    const agg = new CandleAggregator('BTCUSDT', 0, ['1m', '5m']);
    agg.addTrade('10', '1', t0 + 61_000);
    const closed = agg.closeDue(t0 + 300_000);
    expect(closed.filter((c) => c.timeframe === '1m').map((c) => c.partial)).toEqual([true, false, false, false]);
    expect(closed.find((c) => c.timeframe === '5m')?.partial).toBe(true);
  });

  it('keeps volumes exact where floats would not', () => {
    const agg = new CandleAggregator('BTCUSDT', 0, ['1m']);
    agg.addTrade('1', '0.1', t0);
    agg.addTrade('1', '0.2', t0 + 1);
    agg.addTrade('1', '12345678.00000001', t0 + 2);
    expect(agg.closeDue(t0 + 60_000)[0].volume).toBe('12345678.30000001');
  });
});

describe('priming from the exchange history', () => {
  const t0 = Date.UTC(2024, 0, 1, 12, 0, 0);
  const minute = (i: number, price: string, volume = '1'): MinuteCandle => ({
    openTime: t0 + i * 60_000,
    open: price,
    high: price,
    low: price,
    close: price,
    volume,
    trades: volume === '0' ? 0 : 1,
  });

  it('continues from primed minutes so that longer candles hold them', () => {
    const agg = new CandleAggregator('BTCUSDT', 0, ['1m', '5m']);
    const primed = [0, 1, 2].flatMap((i) => agg.addMinute(minute(i, String(10 + i))));
    expect(primed.map((c) => [c.timeframe, c.backfilled, c.partial])).toEqual([
      ['1m', true, false],
      ['1m', true, false],
      ['1m', true, false],
    ]);
    agg.addTrade('20', '2', t0 + 3 * 60_000 + 5);
    agg.addTrade('5', '1', t0 + 4 * 60_000 + 5);
    const closed = agg.closeDue(t0 + 5 * 60_000);
    const fiveMinutes = closed.find((c) => c.timeframe === '5m');
    expect(fiveMinutes).toMatchObject({ open: '10', high: '20', low: '5', close: '5', volume: '6' });
    expect(fiveMinutes).toMatchObject({ partial: false, backfilled: true });
    expect(closed.filter((c) => c.timeframe === '1m').map((c) => c.backfilled)).toEqual([false, false]);
  });

  it('marks the longer candles across a hole in the history as partial, and the next ones whole', () => {
    const agg = new CandleAggregator('BTCUSDT', 0, ['1m', '5m']);
    agg.addMinute(minute(0, '10'));
    const afterHole = agg.addMinute(minute(3, '11'));
    expect(afterHole.map((c) => c.openTime - t0)).toEqual([180_000]);
    agg.addMinute(minute(4, '12'));
    agg.skipTo(t0 + 7 * 60_000);
    agg.addTrade('13', '1', t0 + 9 * 60_000);
    const closed = agg.closeDue(t0 + 15 * 60_000);
    const fives = closed.filter((c) => c.timeframe === '5m').map((c) => [c.openTime - t0, c.partial]);
    expect(fives).toEqual([
      [300_000, true],
      [600_000, false],
    ]);
  });

  it('ignores history older than where it stands', () => {
    const agg = new CandleAggregator('BTCUSDT', 0, ['1m']);
    agg.addMinute(minute(5, '10'));
    expect(agg.addMinute(minute(4, '9'))).toEqual([]);
    agg.skipTo(t0);
    expect(agg.closeDue(t0 + 7 * 60_000).map((c) => c.openTime - t0)).toEqual([360_000]);
  });
});
