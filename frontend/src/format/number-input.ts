import type { Language } from './number-format';

/**
 * What the user typed in a number field, as the decimal string the API takes ("0,001" → "0.001" in French), or
 * null when it is not a number. Spaces between thousands are ignored; in French the comma is the decimal mark and
 * the point is accepted too (a pasted price), in English the comma only separates thousands.
 */
export function parseDecimalInput(text: string, language: Language): string | null {
  let value = text.replace(/[\s\u00a0\u202f]/g, '');
  if (language === 'fr') {
    if ((value.match(/[,.]/g) ?? []).length > 1) return null;
    value = value.replace(',', '.');
  } else if (value.includes(',')) {
    // Only well-formed grouping: "0,001" (a French habit) must not become 1.
    if (!/^-?[1-9]\d{0,2}(,\d{3})+(\.\d+)?$/.test(value)) return null;
    value = value.replace(/,/g, '');
  }
  if (!/^-?\d*\.?\d+$|^-?\d+\.$/.test(value)) return null;
  const [whole, fraction = ''] = value.replace(/\.$/, '').split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = whole.replace('-', '').replace(/^0+(?=\d)/, '') || '0';
  return fraction ? `${sign}${digits}.${fraction}` : `${sign}${digits}`;
}

/** A decimal string as the user types it back into a field (the comma in French), without grouping. */
export function toDecimalInput(value: string, language: Language): string {
  return language === 'fr' ? value.replace('.', ',') : value;
}
