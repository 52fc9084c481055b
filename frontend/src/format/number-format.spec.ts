// The page's numbers read the user's way, with every digit the API sent: the formatter is the one place that
// decides separators, decimals and currencies, so these tests pin what a French and an English reader see.
import { describe, expect, it } from 'vitest';
import {
  decimalsOf,
  formatAtStep,
  formatChartPrice,
  formatFixed,
  formatMoney,
  formatNumber,
  formatPercent,
  formatShare,
} from './number-format';

// French groups thousands with a narrow no-break space (written `_` here); a no-break space (`~`) keeps a currency
// or a percent sign on the line of its number.
const n = (text: string) => text.replace(/_/g, '\u202f').replace(/~/g, '\u00a0');

describe('number formats', () => {
  it('writes money with its currency and cents, in the language of the user', () => {
    expect(formatMoney('9976.69', 'USDT', 'fr')).toBe(n('9_976,69~USDT'));
    expect(formatMoney('9976.69', 'USDT', 'en')).toBe(n('9,976.69~USDT'));
    expect(formatMoney('9956.52628542571', 'USD', 'fr')).toBe(n('9_956,53~USD'));
    expect(formatMoney('2.5', 'USDT', 'en', { code: false })).toBe('2.50');
  });

  it('keeps up to eight decimals for a crypto amount, exactly, and rounds half to even', () => {
    expect(formatMoney('0.00012', 'BTC', 'fr')).toBe(n('0,00012~BTC'));
    expect(formatMoney('123456789012.123456789', 'ETH', 'en')).toBe(n('123,456,789,012.12345679~ETH'));
    expect(formatMoney('0.125', 'USDT', 'en')).toBe(n('0.12~USDT'));
    expect(formatMoney('0.135', 'USDT', 'en')).toBe(n('0.14~USDT'));
  });

  it('shows quantities and prices at the market precision, truncated, padded on request', () => {
    expect(decimalsOf('0.00001')).toBe(5);
    expect(decimalsOf('0.01000000')).toBe(2);
    expect(decimalsOf('1')).toBe(0);
    expect(decimalsOf('1e-8')).toBe(8);
    expect(formatAtStep('0.123456789', '0.00001', 'fr')).toBe('0,12345');
    expect(formatAtStep('26000', '0.01', 'fr', 2)).toBe(n('26_000,00'));
    expect(formatAtStep('-7.0899', '0.1', 'en')).toBe('-7');
    expect(formatAtStep('0.5', null, 'en')).toBe('0.5');
  });

  it('writes signed percentages from a fraction, and a dash for no value', () => {
    expect(formatPercent(-0.0023, 'fr')).toBe(n('-0,23~%'));
    expect(formatPercent('0.015', 'en')).toBe('+1.50%');
    // Shares and ratios carry no sign and keep their decimals.
    expect(formatShare(0.3684, 'fr')).toBe(n('36,84~%'));
    expect(formatShare('0.5', 'en')).toBe('50.00%');
    expect(formatFixed(2.6, 'fr')).toBe('2,60');
    expect(formatFixed(-1.23456, 'en')).toBe('-1.23');
    expect(formatPercent(0, 'en')).toBe('0.00%');
    expect(formatNumber(null, 'fr')).toBe('—');
    expect(formatMoney('', 'USDT', 'fr')).toBe('—');
  });

  it('writes a chart scale price with cents from 1 up and three significant digits below', () => {
    expect(formatChartPrice(56000, 'fr')).toBe(n('56_000,00'));
    expect(formatChartPrice(56000, 'en')).toBe('56,000.00');
    expect(formatChartPrice(0.5, 'fr')).toBe('0,500');
    expect(formatChartPrice(0.000123456, 'en')).toBe('0.000123');
    expect(formatChartPrice(-0.25, 'en')).toBe('-0.250');
    expect(formatChartPrice(0, 'fr')).toBe('0,00');
  });
});
