// decimalField: a JSON number is taken exactly, whatever notation JSON used (`1e-7` was refused since `String(1e-7)`
// is "1e-7"), while strings keep the plain-digits rule and every value stays within numeric(36,18).
import { decimalField, parse, z } from './validation';

const schema = z.object({ amount: decimalField({ signed: true, numbers: true }) });
const amount = (value: unknown) => parse(schema, { amount: value }, { amount: 'Quantité' }).amount;

describe('decimalField with numbers', () => {
  it('takes JSON numbers in exponent notation as their exact decimal', () => {
    expect(amount(JSON.parse('1e-7'))).toBe('0.0000001');
    expect(amount(JSON.parse('2.5E-8'))).toBe('0.000000025');
    expect(amount(JSON.parse('1e3'))).toBe('1000');
    expect(amount(-0)).toBe('0');
    expect(amount(0.1)).toBe('0.1');
  });

  it('still refuses what numeric(36,18) cannot hold, and exponents written as text', () => {
    expect(() => amount(1e21)).toThrow('Quantité : 18 chiffres au plus avant la virgule');
    expect(() => amount(5e-324)).toThrow('Quantité : 18 décimales au plus');
    expect(() => amount('1e-7')).toThrow(/Quantité : nombre décimal attendu/);
  });
});
