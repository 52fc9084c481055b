// The price chart's bars: lightweight-charts wants seconds, ascending, one bar per time.
import { describe, expect, it } from 'vitest';
import { candleBars, changeOver } from './price-series';

const candle = (time: number, open: string, close: string) => ({
  time,
  open,
  high: close,
  low: open,
  close,
  volume: '1',
});

describe('price series', () => {
  it('turns API candles into sorted bars in seconds, the later duplicate winning', () => {
    const bars = candleBars([candle(7_200_000, '2', '3'), candle(3_600_000, '1', '2'), candle(7_200_000, '2', '4')]);
    expect(bars).toEqual([
      { time: 3600, open: 1, high: 2, low: 1, close: 2 },
      { time: 7200, open: 2, high: 4, low: 2, close: 4 },
    ]);
  });

  it('gives the change from the first open to the last close', () => {
    expect(changeOver([candle(0, '100', '101'), candle(60_000, '101', '99.77')])).toBeCloseTo(-0.0023, 10);
    expect(changeOver([candle(0, '100', '101')])).toBeNull();
    expect(changeOver([candle(0, '0', '1'), candle(1, '1', '2')])).toBeNull();
  });
});
