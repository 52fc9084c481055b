import Decimal from 'decimal.js';

/** trimDecimal for a nullable column. */
export function trimNullableDecimal(value: string | null): string | null {
  return value === null ? null : trimDecimal(String(value));
}

/** A PostgreSQL numeric as text without its padding zeros ('0.001413420000000000' → '0.00141342'). */
export function trimDecimal(value: string): string {
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}

/**
 * decimal.js with room for every digit we store: numeric(36,18) holds 36 significant digits, and the default
 * precision (20) would round products of two such numbers.
 */
export const Dec = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_EVEN });
export type Dec = Decimal;

/** Digits after the point that `numeric(36, 18)` keeps. */
export const STORED_DECIMALS = 18;

/**
 * A float64 result (a backtest's simulated money) as a decimal string: 15 significant digits, beyond which a float
 * only carries noise, without exponent, within what numeric(36,18) stores.
 */
export function decimalFromFloat(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return new Dec(value.toPrecision(15)).toDecimalPlaces(STORED_DECIMALS, Dec.ROUND_HALF_EVEN).toFixed();
}
