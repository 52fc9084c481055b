/**
 * The words of an order refusal, shared by the server's checks (order-check.ts, always French), the Trading manuel
 * page's checks before the confirmation, and its log of refused attempts (both in the user's language), so all say
 * the same thing. No imports: the browser bundle takes this file as it is.
 *
 * A refused attempt is stored with its reason as data (`trades.error_reason`: kind, field, params), so the kinds and
 * their parameter names below are part of the database: rename one only with a migration of the stored rows.
 */
export type OrderField = 'amount' | 'quoteAmount' | 'price' | 'symbol';
export type OrderLanguage = 'fr' | 'en';

const LABELS: Record<OrderLanguage, Record<OrderField, string>> = {
  fr: { amount: 'Quantité', quoteAmount: 'Montant', price: 'Prix', symbol: 'Paire' },
  en: { amount: 'Quantity', quoteAmount: 'Amount', price: 'Price', symbol: 'Pair' },
};

const TEXTS = {
  fr: {
    inactive: (p: { symbol: string }) => `${p.symbol} n'est pas négociable en ce moment`,
    unknownSymbol: (p: { symbol: string; exchange: string }) => `${p.symbol} n'existe pas sur ${p.exchange}`,
    notDecimal: () => 'nombre décimal attendu',
    notPositive: () => 'doit être supérieur à 0',
    tooManyDecimals: (p: { decimals: number; step: string }) => `${p.decimals} décimales au plus (pas de ${p.step})`,
    limitNeedsPrice: () => 'obligatoire pour un ordre limite',
    quantityOrAmount: () => 'indiquez une quantité ou un montant',
    noPriceToConvert: () => 'pas de prix connu pour convertir le montant en quantité',
    tooSmallForOne: (p: { base: string }) => `trop faible pour acheter une unité de ${p.base}`,
    minAmount: (p: { min: string; base: string }) => `minimum ${p.min} ${p.base}`,
    maxAmount: (p: { max: string; base: string }) => `maximum ${p.max} ${p.base}`,
    minCost: (p: { min: string; quote: string; asked: string }) => `minimum ${p.min} ${p.quote} (${p.asked} demandé)`,
    overBalance: (p: { free: string; asset: string }) => `plus que le solde libre (${p.free} ${p.asset})`,
    insufficientFunds: (p: { asked: string; asset: string; available: string }) =>
      `Fonds insuffisants : ${p.asked} ${p.asset} demandés, ${p.available} disponibles`,
    protectionUnsupported: (p: { exchange: string }) =>
      `${p.exchange} ne prend pas d'ordres de protection (stop-loss, take-profit) sur l'exchange`,
  },
  en: {
    inactive: (p: { symbol: string }) => `${p.symbol} cannot be traded right now`,
    unknownSymbol: (p: { symbol: string; exchange: string }) => `${p.symbol} does not exist on ${p.exchange}`,
    notDecimal: () => 'decimal number expected',
    notPositive: () => 'must be greater than 0',
    tooManyDecimals: (p: { decimals: number; step: string }) => `${p.decimals} decimals at most (step ${p.step})`,
    limitNeedsPrice: () => 'required for a limit order',
    quantityOrAmount: () => 'give a quantity or an amount',
    noPriceToConvert: () => 'no known price to turn the amount into a quantity',
    tooSmallForOne: (p: { base: string }) => `too small to buy one unit of ${p.base}`,
    minAmount: (p: { min: string; base: string }) => `minimum ${p.min} ${p.base}`,
    maxAmount: (p: { max: string; base: string }) => `maximum ${p.max} ${p.base}`,
    minCost: (p: { min: string; quote: string; asked: string }) => `minimum ${p.min} ${p.quote} (${p.asked} asked)`,
    overBalance: (p: { free: string; asset: string }) => `more than the free balance (${p.free} ${p.asset})`,
    insufficientFunds: (p: { asked: string; asset: string; available: string }) =>
      `Insufficient funds: ${p.asked} ${p.asset} asked, ${p.available} available`,
    protectionUnsupported: (p: { exchange: string }) =>
      `${p.exchange} does not take protective orders (stop-loss, take-profit) at the exchange`,
  },
} satisfies Record<OrderLanguage, Record<string, (params: never) => string>>;

type Texts = (typeof TEXTS)['fr'];
export type OrderRefusalKind = keyof Texts;
export type OrderRefusalParams<K extends OrderRefusalKind> =
  Parameters<Texts[K]> extends [infer P] ? P : Record<string, never>;

/**
 * A refusal as data. `field` is the field the words name first ("Quantité : …"); null when the words say what they
 * are about themselves.
 */
export type OrderRefusalReason = {
  [K in OrderRefusalKind]: { kind: K; field: OrderField | null; params: OrderRefusalParams<K> };
}[OrderRefusalKind];

export function orderRefusalReason<K extends OrderRefusalKind>(
  kind: K,
  field: OrderField | null,
  params: OrderRefusalParams<K>,
): OrderRefusalReason {
  // TypeScript cannot tie a generic K to one member of the union; the signature does.
  return { kind, field, params } as OrderRefusalReason;
}

/** Whether this build has words for `kind`: a stored reason may come from a newer server than an open page. */
export function isOrderRefusalKind(kind: string): kind is OrderRefusalKind {
  return Object.prototype.hasOwnProperty.call(TEXTS.fr, kind);
}

/** "Quantité : minimum 0.00001 BTC": the field's label, then the reason. */
export function orderRefusal(reason: OrderRefusalReason, language: OrderLanguage = 'fr'): string {
  const text = (TEXTS[language][reason.kind] as (params: unknown) => string)(reason.params);
  if (!reason.field) return text;
  return `${LABELS[language][reason.field]}${language === 'en' ? ':' : ' :'} ${text}`;
}
