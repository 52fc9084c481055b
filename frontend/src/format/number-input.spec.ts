// Number fields: a French user types a decimal comma ("0,001"), which the server's decimal strings do not take.
import { describe, expect, it } from 'vitest';
import { parseDecimalInput, toDecimalInput } from './number-input';

describe('number input', () => {
  it('takes the decimal comma in French, and the point too', () => {
    expect(parseDecimalInput('0,001', 'fr')).toBe('0.001');
    expect(parseDecimalInput('0.001', 'fr')).toBe('0.001');
    expect(parseDecimalInput('1 300,5', 'fr')).toBe('1300.5');
    expect(parseDecimalInput('1\u202f300', 'fr')).toBe('1300');
    expect(parseDecimalInput(',5', 'fr')).toBe('0.5');
    expect(parseDecimalInput('-2,5', 'fr')).toBe('-2.5');
  });

  it('reads the comma as a thousands separator in English', () => {
    expect(parseDecimalInput('1,300.5', 'en')).toBe('1300.5');
    expect(parseDecimalInput('0.001', 'en')).toBe('0.001');
    // A French habit in English mode is refused rather than read as one thousand.
    expect(parseDecimalInput('0,001', 'en')).toBeNull();
    expect(parseDecimalInput('12,34', 'en')).toBeNull();
  });

  it('refuses what is not one number', () => {
    for (const text of ['', 'abc', '1,2,3', '1.2.3', '1e5', '0x10', '--1', '1,000.5']) {
      expect(parseDecimalInput(text, 'fr')).toBeNull();
    }
    expect(parseDecimalInput('1.2.3', 'en')).toBeNull();
    expect(parseDecimalInput('1,2', 'en')).toBeNull();
  });

  it('writes a value back with the comma in French', () => {
    expect(toDecimalInput('1300.25', 'fr')).toBe('1300,25');
    expect(toDecimalInput('1300.25', 'en')).toBe('1300.25');
  });
});
