import { Dec } from '../decimal';
import { divFixed18, fromFixed18, mulFixed18, toFixed18 } from './fixed';

describe('fixed-point decimals', () => {
  it('reads and writes decimal strings exactly, signs and zeros included', () => {
    for (const text of ['0', '12.5', '-3', '-0.000000000000000001', '123456789012345678.123456789012345678']) {
      expect(fromFixed18(toFixed18(text))).toBe(text);
    }
    expect(fromFixed18(toFixed18('-0'))).toBe('0');
    expect(() => toFixed18('0.0000000000000000001')).toThrow(/18 decimals/);
  });

  it('sums as decimal.js does, where floats drift', () => {
    const values = Array.from({ length: 1000 }, (_, i) => `${(i % 7) - 3}.${String(i * 7919).padStart(8, '0')}`);
    const exact = values.reduce((sum, v) => sum.plus(v), Dec(0)).toFixed();
    expect(fromFixed18(values.reduce((sum, v) => sum + toFixed18(v), 0n))).toBe(exact);
  });

  it('multiplies and divides rounding half to even at the 18th place, like the stored decimals', () => {
    const cases: [string, string][] = [
      ['0.000000000000000005', '0.5'],
      ['0.000000000000000015', '0.5'],
      ['-0.000000000000000015', '0.5'],
      ['1.23456789', '0.987654321'],
    ];
    for (const [a, b] of cases) {
      const product = Dec(a).times(b).toDecimalPlaces(18, Dec.ROUND_HALF_EVEN).toFixed();
      expect(fromFixed18(mulFixed18(toFixed18(a), toFixed18(b)))).toBe(product);
      const quotient = Dec(a).div(b).toDecimalPlaces(18, Dec.ROUND_HALF_EVEN).toFixed();
      expect(fromFixed18(divFixed18(toFixed18(a), toFixed18(b)))).toBe(quotient);
    }
    expect(fromFixed18(divFixed18(toFixed18('2'), toFixed18('3')))).toBe('0.666666666666666667');
  });
});
