import { describe, expect, it } from 'vitest';
import type { BacktestTradeItem } from '@/api/strategies';
import { tradeMarkers } from './backtest-markers';

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const trade = (
  side: 'long' | 'short',
  entry: number,
  exit: number | null,
  reason: NonNullable<BacktestTradeItem['exitReason']> = 'signal',
): BacktestTradeItem => ({
  side,
  entryTime: new Date(T0 + entry * H).toISOString(),
  exitTime: exit === null ? null : new Date(T0 + exit * H).toISOString(),
  entryPrice: '1',
  exitPrice: exit === null ? null : '1',
  quantity: '1',
  fees: '0',
  pnl: '0',
  balanceAfter: '1',
  exitReason: exit === null ? null : reason,
});

describe('trade markers', () => {
  it('puts every entry and exit on its bar, counting several of a kind on one merged bar', () => {
    // Bars of 4 hours: trades at hours 0–3 share the first bar.
    const bars = [0, 4, 8].map((k) => T0 + k * H);
    const markers = tradeMarkers(
      [
        trade('long', 0, 1),
        trade('long', 2, 3, 'stop_loss'),
        trade('short', 5, 9, 'take_profit'),
        trade('long', 10, null),
      ],
      bars,
    );
    expect(markers.map((m) => [m.time - T0 / 1000, m.text])).toEqual([
      [0, 'L×2'],
      [0, 'X'],
      [0, 'SL'],
      [4 * 3600, 'S'],
      [8 * 3600, 'TP'],
      [8 * 3600, 'L'],
    ]);
    expect(markers.find((m) => m.text === 'S')).toMatchObject({ position: 'aboveBar', shape: 'arrowDown' });
  });

  it('keeps every trade of a long run, not the last few hundred', () => {
    const bars = Array.from({ length: 3000 }, (_, k) => T0 + k * H);
    const trades = Array.from({ length: 5000 }, (_, k) => trade('long', k * 0.5, k * 0.5 + 0.25));
    const markers = tradeMarkers(trades, bars);
    const counted = markers.reduce((sum, m) => sum + (m.text.includes('×') ? Number(m.text.split('×')[1]) : 1), 0);
    expect(counted).toBe(10_000);
    expect(markers[0].time).toBe(T0 / 1000);
  });
});
