/**
 * The words of an order refusal, shared by the server's checks (order-check.ts, always French) and the Trading
 * manuel page's checks before the confirmation (in the user's language), so both say the same thing. No imports:
 * the browser bundle takes this file as it is.
 */
export type OrderField = 'amount' | 'quoteAmount' | 'price' | 'symbol';
export type OrderLanguage = 'fr' | 'en';

const LABELS: Record<OrderLanguage, Record<OrderField, string>> = {
  fr: { amount: 'Quantité', quoteAmount: 'Montant', price: 'Prix', symbol: 'Paire' },
  en: { amount: 'Quantity', quoteAmount: 'Amount', price: 'Price', symbol: 'Pair' },
};

const TEXTS = {
  fr: {
    inactive: (symbol: string) => `${symbol} n'est pas négociable en ce moment`,
    notDecimal: () => 'nombre décimal attendu',
    notPositive: () => 'doit être supérieur à 0',
    tooManyDecimals: (decimals: number, step: string) => `${decimals} décimales au plus (pas de ${step})`,
    limitNeedsPrice: () => 'obligatoire pour un ordre limite',
    quantityOrAmount: () => 'indiquez une quantité ou un montant',
    noPriceToConvert: () => 'pas de prix connu pour convertir le montant en quantité',
    tooSmallForOne: (base: string) => `trop faible pour acheter une unité de ${base}`,
    minAmount: (min: string, base: string) => `minimum ${min} ${base}`,
    maxAmount: (max: string, base: string) => `maximum ${max} ${base}`,
    minCost: (min: string, quote: string, asked: string) => `minimum ${min} ${quote} (${asked} demandé)`,
    overBalance: (free: string, asset: string) => `plus que le solde libre (${free} ${asset})`,
  },
  en: {
    inactive: (symbol: string) => `${symbol} cannot be traded right now`,
    notDecimal: () => 'decimal number expected',
    notPositive: () => 'must be greater than 0',
    tooManyDecimals: (decimals: number, step: string) => `${decimals} decimals at most (step ${step})`,
    limitNeedsPrice: () => 'required for a limit order',
    quantityOrAmount: () => 'give a quantity or an amount',
    noPriceToConvert: () => 'no known price to turn the amount into a quantity',
    tooSmallForOne: (base: string) => `too small to buy one unit of ${base}`,
    minAmount: (min: string, base: string) => `minimum ${min} ${base}`,
    maxAmount: (max: string, base: string) => `maximum ${max} ${base}`,
    minCost: (min: string, quote: string, asked: string) => `minimum ${min} ${quote} (${asked} asked)`,
    overBalance: (free: string, asset: string) => `more than the free balance (${free} ${asset})`,
  },
} satisfies Record<OrderLanguage, Record<string, (...args: never[]) => string>>;

export type OrderRefusalKind = keyof (typeof TEXTS)['fr'];

/** "Quantité : minimum 0.00001 BTC": the field's label, then the reason. */
export function orderRefusal<K extends OrderRefusalKind>(
  kind: K,
  field: OrderField,
  args: Parameters<(typeof TEXTS)['fr'][K]>,
  language: OrderLanguage = 'fr',
): string {
  const text = (TEXTS[language][kind] as (...values: unknown[]) => string)(...args);
  return `${LABELS[language][field]}${language === 'en' ? ':' : ' :'} ${text}`;
}
