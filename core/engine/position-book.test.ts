// The position book and the exits as the live strategy will drive them: one fill at a time, the last price as the
// range, no candles array. Figures are checked by hand.
import { marketExit, rangeExit, TouchScan, touches, type Costs } from './exits';
import { PositionBook } from './position-book';
import { floatFills, marketFill } from '../trading/fill-model';
import { fillOf } from './position';

const costs: Costs = { fees: { makerFee: 0.001, takerFee: 0.002 }, slippage: 0 };

describe('position book', () => {
  it('books a long round trip: cash, levels, realised P&L after both fees', () => {
    const book = new PositionBook(1000);
    const entry = floatFills.marketFill('buy', 2, 100, costs.fees, 0);
    const p = book.open('long', entry, 10, 0.05, 0.25);
    expect(p).toMatchObject({ stop: 95, target: 125 });
    expect(book.cash).toBeCloseTo(1000 - 200 - 0.4, 9);
    expect(book.equityAt(105)).toBeCloseTo(1000 - 0.4 + 10, 9);
    expect(book.state()).toMatchObject({ position: { side: 'long', quantity: 2, entryPrice: 100, stopLoss: 95 } });
    const trade = book.close(marketExit(p, 120, costs), 20, 'signal');
    expect(trade).toMatchObject({ side: 'long', entryTime: 10, exitTime: 20, exitPrice: 120, exitReason: 'signal' });
    expect(trade.fees).toBeCloseTo(0.4 + 0.48, 9);
    expect(trade.pnl).toBeCloseTo(40 - 0.88, 9);
    expect(trade.balanceAfter).toBeCloseTo(1000 + 40 - 0.88, 9);
    expect(book.position).toBeNull();
  });

  it('books a short: it gains what the price fell, and its levels are mirrored', () => {
    const book = new PositionBook(1000);
    const p = book.open('short', floatFills.marketFill('sell', 2, 100, costs.fees, 0), 0, 0.05, 0.1);
    expect(p).toMatchObject({ stop: 105, target: 90 });
    expect(book.equityAt(80)).toBeCloseTo(1000 - 0.4 + 40, 9);
    const trade = book.close(marketExit(p, 80, costs), 1, 'signal');
    expect(trade.pnl).toBeCloseTo(40 - 0.4 - 0.32, 9);
    expect(book.cash).toBeCloseTo(1000 + 40 - 0.72, 9);
  });

  it('exits on the last price as the live check sees it: stop at market, target at its limit price', () => {
    const book = new PositionBook(1000);
    const p = book.open('long', floatFills.marketFill('buy', 1, 100, costs.fees, 0), 0, 0.05, 0.25);
    expect(touches(p, 101, 101)).toBe(false);
    expect(rangeExit(p, 101, 101, 101, costs)).toBeNull();
    expect(rangeExit(p, 94, 94, 94, costs)).toMatchObject({ reason: 'stop_loss', fill: { price: 94, role: 'taker' } });
    const target = rangeExit(p, 126, 126, 126, costs);
    expect(target).toMatchObject({ reason: 'take_profit', fill: { price: 125, role: 'maker' } });
    expect(target?.fill.fee).toBeCloseTo(0.125, 12);
  });

  it('finds the first touching candle far past the first scan window, not one before', () => {
    const book = new PositionBook(1000);
    const p = book.open('long', floatFills.marketFill('buy', 1, 100, costs.fees, 0), 0, 0.05, 0);
    const low = new Float64Array(100_000).fill(99);
    const high = new Float64Array(100_000).fill(101);
    low[70_000] = 94;
    const scan = new TouchScan(p, 1);
    let at = 1;
    while ((at = scan.next(low, high, at)) !== 70_000) expect(at).toBeLessThan(70_000);
    expect(scan.next(low, high, 0)).toBe(70_000);
  });

  it('opens from a fill the broker reports in decimal strings', () => {
    const book = new PositionBook(1000);
    const reported = marketFill('buy', '0.5', '200', { makerFee: '0.001', takerFee: '0.001' }, '0');
    const p = book.open('long', fillOf(reported), 0, 0, 0);
    expect(p.entry).toEqual({ price: 200, amount: 0.5, cost: 100, fee: 0.1, role: 'taker' });
    expect(book.cash).toBeCloseTo(899.9, 9);
  });
});
