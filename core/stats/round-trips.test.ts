// Round trips and realised P&L from fills, checked two ways: each trip against figures worked out by hand in the
// comments, and, for every book that ends flat, the total against the simplest possible account — the quote money
// that came in minus the money that went out, fees in quote included — which owes nothing to the matching.
import { Dec } from '../decimal';
import { matchRoundTrips, type StatsFill } from './round-trips';

let nextId = 1;
function fill(side: 'buy' | 'sell', quantity: string, price: string, extra: Partial<StatsFill> = {}): StatsFill {
  const id = nextId++;
  return {
    id,
    time: id * 1000,
    brokerId: 1,
    symbol: 'BTC/USDT',
    origin: 'manual',
    side,
    quantity,
    price,
    fee: null,
    feeCurrency: null,
    ...extra,
  };
}

/** The net quote a list of fills moved: what a flat book realised, whatever the order of its lots. */
function quoteMoved(fills: StatsFill[]): string {
  return fills
    .reduce((sum, f) => {
      const notional = Dec(f.quantity).times(f.price);
      const signed = f.side === 'sell' ? notional : notional.neg();
      return sum.plus(signed).minus(f.feeCurrency === 'USDT' && f.fee ? f.fee : 0);
    }, Dec(0))
    .toFixed();
}

const total = (trips: { realizedPnl: string }[]) => trips.reduce((s, t) => s.plus(t.realizedPnl), Dec(0)).toFixed();

describe('round trips', () => {
  it('counts fees in quote on both legs', () => {
    const fills = [
      fill('buy', '1', '100', { fee: '0.1', feeCurrency: 'USDT' }),
      fill('sell', '1', '110', { fee: '0.11', feeCurrency: 'USDT' }),
    ];
    const { roundTrips, fillPnl, open } = matchRoundTrips(fills);
    // 110 − 0.11 − 100 − 0.1
    expect(roundTrips).toEqual([
      expect.objectContaining({
        side: 'long',
        quantity: '1',
        entryPrice: '100',
        exitPrice: '110',
        fees: '0.21',
        realizedPnl: '9.79',
      }),
    ]);
    expect(fillPnl.get(fills[1].id)).toBe('9.79');
    expect(total(roundTrips)).toBe(quoteMoved(fills));
    expect(open).toEqual([]);
  });

  it('holds less after a fee taken in the base, and values that fee at the fill price', () => {
    // Bought 1 BTC, 0.001 BTC of it kept as the fee: 0.999 held, sold for 0.999 × 110 = 109.89, fee 0.10989 USDT.
    const fills = [
      fill('buy', '1', '100', { fee: '0.001', feeCurrency: 'BTC' }),
      fill('sell', '0.999', '110', { fee: '0.10989', feeCurrency: 'USDT' }),
    ];
    const { roundTrips, open } = matchRoundTrips(fills);
    // 109.89 − 0.10989 − 100; fees 0.001 × 100 + 0.10989
    expect(roundTrips).toEqual([
      expect.objectContaining({ quantity: '0.999', fees: '0.20989', realizedPnl: '9.78011' }),
    ]);
    expect(total(roundTrips)).toBe(quoteMoved(fills));
    expect(open).toEqual([]);
  });

  it('closes the oldest lots first, across partial fills and partial closes', () => {
    const fills = [
      fill('buy', '0.5', '100'),
      fill('buy', '0.5', '102'),
      fill('sell', '0.7', '105'),
      fill('sell', '0.3', '99'),
    ];
    const { roundTrips, fillPnl } = matchRoundTrips(fills);
    expect(roundTrips).toHaveLength(2);
    // 0.5 @ 100 and 0.2 @ 102 (70.4) sold at 105 (73.5): one trip of 0.7 entered at 70.4 / 0.7.
    expect(roundTrips[0]).toMatchObject({
      quantity: '0.7',
      entryPrice: '100.571428571428571429',
      exitPrice: '105',
      realizedPnl: '3.1',
      entryFillIds: [fills[0].id, fills[1].id],
    });
    // The 0.3 left of the second lot (30.6) sold at 99 (29.7).
    expect(roundTrips[1]).toMatchObject({
      quantity: '0.3',
      entryPrice: '102',
      realizedPnl: '-0.9',
      entryFillIds: [fills[1].id],
    });
    expect(fillPnl.get(fills[3].id)).toBe('-0.9');
    expect(total(roundTrips)).toBe(quoteMoved(fills));
  });

  it('flips a futures position: the rest of the fill opens the other side with its share of the fee', () => {
    const perp = { symbol: 'BTC/USDT:USDT' };
    const fills = [
      fill('buy', '1', '100', perp),
      fill('sell', '3', '110', { ...perp, fee: '0.33', feeCurrency: 'USDT' }),
      fill('buy', '2', '105', perp),
    ];
    const { roundTrips, open } = matchRoundTrips(fills);
    // Long 1 closed at 110 with a third of the fee: 110 − 0.11 − 100. Short 2 opened at 110 with the rest of the fee,
    // bought back at 105: 220 − 0.22 − 210.
    expect(roundTrips.map((t) => [t.side, t.quantity, t.fees, t.realizedPnl])).toEqual([
      ['long', '1', '0.11', '9.89'],
      ['short', '2', '0.22', '9.78'],
    ]);
    expect(total(roundTrips)).toBe(quoteMoved(fills));
    expect(open).toEqual([]);
  });

  it('never matches lots of different origins, brokers or symbols, and reports what stays open', () => {
    const fills = [
      fill('buy', '1', '100', { origin: 'strategy:4' }),
      fill('sell', '1', '120', { origin: 'webhook:2' }),
      fill('buy', '2', '50', { brokerId: 2 }),
      fill('buy', '1', '10', { symbol: 'ETH/USDT' }),
    ];
    const { roundTrips, open } = matchRoundTrips(fills);
    expect(roundTrips).toEqual([]);
    expect(open.map((o) => [o.origin, o.brokerId, o.symbol, o.quantity])).toEqual([
      ['strategy:4', 1, 'BTC/USDT', '1'],
      ['webhook:2', 1, 'BTC/USDT', '-1'],
      ['manual', 2, 'BTC/USDT', '2'],
      ['manual', 1, 'ETH/USDT', '1'],
    ]);
  });

  it('says which fees it could not value, and takes a valuation for them when given one', () => {
    const fills = [fill('buy', '1', '100', { fee: '0.01', feeCurrency: 'BNB' }), fill('sell', '1', '110')];
    const plain = matchRoundTrips(fills);
    expect(plain.unvaluedFees).toEqual([fills[0].id]);
    expect(plain.roundTrips[0].realizedPnl).toBe('10');
    // BNB at 300: a 3 USDT fee.
    const valued = matchRoundTrips(fills, (f) => (f.feeCurrency === 'BNB' ? Dec(f.fee!).times(300) : Dec(0)));
    expect(valued.unvaluedFees).toEqual([]);
    expect(valued.roundTrips[0]).toMatchObject({ fees: '3', realizedPnl: '7' });
  });

  it('gives the same trips whatever order the fills are read in', () => {
    const fills = [
      fill('buy', '0.4', '100'),
      fill('sell', '0.1', '101'),
      fill('buy', '0.2', '98'),
      fill('sell', '0.5', '103'),
    ];
    const shuffled = [fills[2], fills[0], fills[3], fills[1]];
    expect(matchRoundTrips(shuffled)).toEqual(matchRoundTrips(fills));
    expect(total(matchRoundTrips(fills).roundTrips)).toBe(quoteMoved(fills));
  });
});
