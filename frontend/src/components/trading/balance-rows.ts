import Decimal from 'decimal.js';
import type { BalanceLine } from '@/api/trading';
import { formatAtStep, formatMoney, type Language } from '@/format/number-format';

export interface BalanceRow {
  asset: string;
  free: string;
  used: string;
  total: string;
  value: string | null;
}

/** Quantities of an asset: eight decimals at most, the trailing zeros dropped. */
function quantity(value: string, language: Language): string {
  return formatAtStep(new Decimal(value).toDecimalPlaces(8, Decimal.ROUND_DOWN).toFixed(), null, language);
}

/**
 * A balance table's rows as shown, and the total of the values as shown: each value is rounded to the cent first
 * and the total is the sum of those cents, so the column adds up on screen.
 */
export function balanceRows(
  lines: (BalanceLine & { valueUsd?: string | null })[],
  language: Language,
): { rows: BalanceRow[]; total: string } {
  let total = new Decimal(0);
  const rows = lines.map((line) => {
    const cents = line.valueUsd ? new Decimal(line.valueUsd).toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN) : null;
    if (cents) total = total.plus(cents);
    return {
      asset: line.asset,
      free: quantity(line.free, language),
      used: quantity(line.used, language),
      total: quantity(line.total, language),
      value: cents ? formatMoney(cents.toFixed(), 'USD', language, { code: false }) : null,
    };
  });
  return { rows, total: formatMoney(total.toFixed(), 'USD', language) };
}
