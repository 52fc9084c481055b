// A balance table must add up as shown: each value is rounded to the cent before the total is summed.
import { describe, expect, it } from 'vitest';
import { balanceRows } from './balance-rows';

const line = (asset: string, total: string, valueUsd: string | null) => ({
  asset,
  free: total,
  used: '0',
  total,
  valueUsd,
});

describe('balance rows', () => {
  it('sums the cents shown, not the hidden decimals', () => {
    const { rows, total } = balanceRows(
      [line('BTC', '0.1', '2600.005'), line('ETH', '1', '1600.005'), line('USDT', '7394.7974', '7394.7974')],
      'en',
    );
    expect(rows.map((r) => r.value)).toEqual(['2,600.00', '1,600.00', '7,394.80']);
    expect(total).toBe('11,594.80\u00a0USD');
  });

  it('writes quantities the French way with at most eight decimals, and leaves unpriced assets out', () => {
    const { rows, total } = balanceRows([line('XYZ', '9956.52628542571', null)], 'fr');
    expect(rows[0]).toMatchObject({ total: '9\u202f956,52628542', value: null });
    expect(total).toBe('0,00\u00a0USD');
  });
});
