import type { BacktestTradeItem } from '@/api/strategies';

/** A chart marker as lightweight-charts takes it (time in seconds). */
export interface TradeMarker {
  time: number;
  position: 'belowBar' | 'aboveBar';
  color: string;
  shape: 'arrowUp' | 'arrowDown' | 'circle';
  text: string;
}

const EXIT_TEXT: Record<string, string> = { stop_loss: 'SL', take_profit: 'TP', signal: 'X', end: 'Fin' };

/** The bar whose open time is the last at or before `ms` (bars may merge several candles). */
function barIndex(barTimes: number[], ms: number): number {
  let lo = 0;
  let hi = barTimes.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (barTimes[mid] <= ms) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Every trade's entry and exit on the bar that holds it. Several of one kind on the same bar (a merged bar of a
 * long period) become one marker with their count, so the whole period shows every trade without hiding the bars.
 */
export function tradeMarkers(trades: BacktestTradeItem[], barTimes: number[]): TradeMarker[] {
  if (barTimes.length === 0) return [];
  const groups = new Map<string, { marker: TradeMarker; count: number }>();
  const add = (ms: number, kind: string, marker: Omit<TradeMarker, 'time'>) => {
    const bar = barIndex(barTimes, ms);
    const key = `${bar}|${kind}`;
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { marker: { ...marker, time: Math.floor(barTimes[bar] / 1000) }, count: 1 });
  };
  for (const trade of trades) {
    const long = trade.side === 'long';
    add(Date.parse(trade.entryTime), `entry-${trade.side}`, {
      position: long ? 'belowBar' : 'aboveBar',
      color: long ? '#00ff88' : '#ff0055',
      shape: long ? 'arrowUp' : 'arrowDown',
      text: long ? 'L' : 'S',
    });
    if (trade.exitTime) {
      const reason = trade.exitReason ?? 'signal';
      add(Date.parse(trade.exitTime), `exit-${trade.side}-${reason}`, {
        position: long ? 'aboveBar' : 'belowBar',
        color: '#ffb020',
        shape: 'circle',
        text: EXIT_TEXT[reason] ?? 'X',
      });
    }
  }
  return [...groups.values()]
    .map(({ marker, count }) => (count > 1 ? { ...marker, text: `${marker.text}×${count}` } : marker))
    .sort((a, b) => a.time - b.time);
}
