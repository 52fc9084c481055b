/**
 * Numbers as the user reads them: money, quantities, prices and percentages in their language's way
 * ("9 976,69 USDT" in French, "9,976.69 USDT" in English). Amounts arrive as decimal strings from the API and are
 * formatted as strings (Intl formats a string exactly), never through a float.
 */
export type Language = 'fr' | 'en';

const LOCALES: Record<Language, string> = { fr: 'fr-FR', en: 'en-GB' };
const cache = new Map<string, Intl.NumberFormat>();
/** ES2023's `roundingMode`, which Chromium and Node 20 implement and this project's DOM typings predate. */
type Options = Intl.NumberFormatOptions & { roundingMode?: 'halfEven' | 'trunc' };

export function localeOf(language: Language): string {
  return LOCALES[language];
}

function formatter(language: Language, options: Options): Intl.NumberFormat {
  const key = `${language}:${JSON.stringify(options)}`;
  let found = cache.get(key);
  if (!found) {
    found = new Intl.NumberFormat(LOCALES[language], options as Intl.NumberFormatOptions);
    cache.set(key, found);
  }
  return found;
}

type Amount = string | number | null | undefined;
const EMPTY = '—';

/** Digits after the point of a market's step ('0.00001' → 5, '1' → 0, '1e-8' → 8). */
export function decimalsOf(step: string | null | undefined): number | null {
  if (!step) return null;
  const exponent = /e-(\d+)$/i.exec(step);
  if (exponent) return Number(exponent[1]);
  const [, fraction = ''] = step.split('.');
  return fraction.replace(/0+$/, '').length;
}

function format(value: Amount, language: Language, options: Options): string {
  if (value === null || value === undefined || value === '') return EMPTY;
  // Intl's string overload keeps every digit; its type only admits numbers and bigints.
  return formatter(language, options).format(String(value) as unknown as number);
}

/** A plain number with at most `maxDecimals` (8 by default) digits after the point, none added. */
export function formatNumber(value: Amount, language: Language, maxDecimals = 8): string {
  return format(value, language, { maximumFractionDigits: maxDecimals });
}

/**
 * An amount of money with its currency: two decimals for dollars and euros and their stablecoins, up to eight for
 * other assets (0.00012 BTC stays readable). Rounded half-even like the server's totals. `code: false` leaves the
 * currency out, for a column whose header names it.
 */
export function formatMoney(
  value: Amount,
  currency: string | null | undefined,
  language: Language,
  options: { code?: boolean } = {},
): string {
  if (value === null || value === undefined || value === '') return EMPTY;
  const decimals = currency && FIAT_LIKE.has(currency.toUpperCase()) ? 2 : 8;
  const text = format(value, language, {
    minimumFractionDigits: decimals === 2 ? 2 : 0,
    maximumFractionDigits: decimals,
    roundingMode: 'halfEven',
  });
  return currency && options.code !== false ? `${text}\u00a0${currency}` : text;
}

/**
 * A price on a chart's scale, in the reader's language: two decimals from 1 up (26 000,00), and below 1 enough
 * decimals for three significant digits (0,000123), as a market's own prices read. Rounded to what is shown.
 */
export function formatChartPrice(price: number, language: Language): string {
  const size = Math.abs(price);
  const decimals = size >= 1 || size === 0 ? 2 : Math.min(10, 2 - Math.floor(Math.log10(size)));
  return format(price.toFixed(decimals), language, {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
}

/** Quote currencies shown with cents. */
export const FIAT_LIKE = new Set(['USD', 'EUR', 'USDT', 'USDC', 'FDUSD', 'BUSD', 'TUSD', 'DAI', 'GBP']);

/**
 * A quantity or a price at the market's precision (its step), truncated, never rounded up past what exists;
 * `minDecimals` pads (a price in dollars shows its cents).
 */
export function formatAtStep(
  value: Amount,
  step: string | null | undefined,
  language: Language,
  minDecimals = 0,
): string {
  const decimals = decimalsOf(step) ?? 8;
  return format(value, language, {
    minimumFractionDigits: Math.min(minDecimals, decimals),
    maximumFractionDigits: decimals,
    roundingMode: 'trunc',
  });
}

/** A change as a signed percentage: "-0,23 %", "+1,50 %". `ratio` is a fraction (-0.0023). */
export function formatPercent(ratio: Amount, language: Language, decimals = 2): string {
  return format(ratio, language, {
    style: 'percent',
    signDisplay: 'exceptZero',
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
}

/** A share, unsigned (a win rate, a drawdown, an exposure): "36,84 %". `ratio` is a fraction (0.3684). */
export function formatShare(ratio: Amount, language: Language, decimals = 2): string {
  return format(ratio, language, {
    style: 'percent',
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
}

/** A ratio with a fixed number of decimals (Sharpe, profit factor): "2,60". */
export function formatFixed(value: Amount, language: Language, decimals = 2): string {
  return format(value, language, { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}
