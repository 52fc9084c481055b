import { balanceHistory, detectFlows, missingHours, thinPoints, type Snapshot } from './balance-history';
import type { StatsFill } from './round-trips';

const HOUR = 3_600_000;
const H0 = Date.UTC(2026, 10, 2, 8);

function snap(brokerId: number, hour: number, holdings: Record<string, [string, string | null]> | null, extra = 0) {
  const entries = Object.entries(holdings ?? {});
  const value = holdings
    ? entries.reduce((sum, [, [total, price]]) => sum + (price === null ? 0 : Number(total) * Number(price)), 0)
    : null;
  return {
    brokerId,
    key: extra ? `trade:${hour * 100 + extra}` : `hour:${hour}`,
    time: H0 + hour * HOUR + 30_000 + extra * 1000,
    value: value === null ? null : String(value),
    holdings: holdings && Object.fromEntries(entries.map(([a, [total, priceUsd]]) => [a, { total, priceUsd }])),
    reason: holdings ? null : 'exchange down',
  } satisfies Snapshot;
}

const fill = (time: number, side: 'buy' | 'sell', quantity: string, price: string, fee?: string): StatsFill => ({
  id: time,
  time,
  brokerId: 1,
  symbol: 'BTC/USDT',
  origin: 'manual',
  side,
  quantity,
  price,
  fee: fee ?? null,
  feeCurrency: fee ? 'USDT' : null,
});

describe('detectFlows', () => {
  it('finds what the fills do not explain, valued at the later prices, and ignores dust', () => {
    const snapshots = [
      snap(1, 0, { USDT: ['1000', '1'] }),
      // Bought 0.01 BTC at 100 for 1 USDT of fee: 1000 − 1 − 1 = 998 USDT, nothing unexplained.
      snap(1, 1, { USDT: ['998', '1'], BTC: ['0.01', '120'] }),
      // 0.5 BTC came in (a deposit), and 0.3 USDT went (dust).
      snap(1, 2, { USDT: ['997.7', '1'], BTC: ['0.51', '130'] }),
      // 200 USDT out (a withdrawal).
      snap(1, 3, { USDT: ['797.7', '1'], BTC: ['0.51', '130'] }),
    ];
    const flows = detectFlows(snapshots, [fill(H0 + HOUR / 2, 'buy', '0.01', '100', '1')]);
    expect(flows).toEqual([
      {
        time: new Date(snapshots[2].time).toISOString(),
        brokerId: 1,
        valueUsd: '64.7',
        assets: { USDT: '-0.3', BTC: '0.5' },
      },
      { time: new Date(snapshots[3].time).toISOString(), brokerId: 1, valueUsd: '-200', assets: { USDT: '-200' } },
    ]);
  });

  it('does not guess across a derivative fill, whose margin moves are not holdings', () => {
    const snapshots = [snap(1, 0, { USDT: ['1000', '1'] }), snap(1, 1, { USDT: ['1050', '1'] })];
    const perp = { ...fill(H0 + HOUR / 2, 'sell', '1', '100'), symbol: 'BTC/USDT:USDT' };
    expect(detectFlows(snapshots, [perp])).toEqual([]);
    expect(detectFlows(snapshots, [])).toHaveLength(1);
  });
});

describe('missingHours', () => {
  it('lists an hour marked missing with its reason and an hour nobody took, not the hour still running', () => {
    const snapshots = [snap(1, 0, { USDT: ['1', '1'] }), snap(1, 1, null), snap(1, 3, { USDT: ['1', '1'] })];
    const now = H0 + 4 * HOUR + 10 * 60_000;
    expect(missingHours(snapshots, 0, now + HOUR, now)).toEqual([
      { time: new Date(H0 + HOUR).toISOString(), brokerId: 1, reason: 'exchange down' },
      { time: new Date(H0 + 2 * HOUR).toISOString(), brokerId: 1, reason: expect.stringMatching(/^aucun relevé/) },
    ]);
  });
});

describe('balanceHistory', () => {
  it('sums the brokers only over hours where every one was valued, and takes transfers out of the performance', () => {
    const snapshots = [
      snap(1, 0, { USDT: ['100', '1'] }),
      snap(2, 0, { USDT: ['50', '1'] }),
      snap(1, 1, { USDT: ['100', '1'] }),
      snap(2, 1, null),
      snap(1, 2, { USDT: ['300', '1'] }),
      snap(2, 2, { USDT: ['50', '1'] }),
      snap(1, 2, { USDT: ['310', '1'] }, 5),
    ];
    const now = H0 + 3 * HOUR;
    const all = balanceHistory(snapshots, [], { single: false, from: 0, to: now, now });
    expect(all.points).toEqual([
      { time: new Date(H0).toISOString(), value: '150', performance: '150' },
      { time: new Date(H0 + 2 * HOUR).toISOString(), value: '350', performance: '150' },
    ]);
    expect(all.missing).toEqual([{ time: new Date(H0 + HOUR).toISOString(), brokerId: 2, reason: 'exchange down' }]);
    const one = balanceHistory(
      snapshots.filter((s) => s.brokerId === 1),
      [],
      { single: true, from: 0, to: now, now },
    );
    expect(one.points.map((p) => [p.value, p.performance])).toEqual([
      ['100', '100'],
      ['100', '100'],
      ['300', '100'],
      ['310', '100'],
    ]);
    expect(one.flows.map((f) => f.valueUsd)).toEqual(['200', '10']);
  });
});

describe('thinPoints', () => {
  it('keeps the first point and the last of each span, all of them when few', () => {
    const points = Array.from({ length: 100 }, (_, i) => ({
      time: new Date(H0 + i * HOUR).toISOString(),
      value: String(i),
      performance: String(i),
    }));
    expect(thinPoints(points, 200)).toBe(points);
    const thin = thinPoints(points, 10);
    expect(thin.length).toBeLessThanOrEqual(11);
    expect(thin[0]).toBe(points[0]);
    expect(thin.at(-1)).toBe(points[99]);
    expect(thin.map((p) => Number(p.value))).toEqual([...thin.map((p) => Number(p.value))].sort((a, b) => a - b));
  });
});
