import { localeOf, type Language } from './number-format';

/** Where the user reads their dates: UTC, or the browser's own zone. */
export type DisplayZone = 'UTC' | 'local';

const cache = new Map<string, Intl.DateTimeFormat>();

/**
 * A date and time in the user's language and zone, "01/12/2026 21:40:05 UTC" (the suffix says the zone when it is
 * UTC, since a reader assumes their own otherwise).
 */
export function formatDateTime(
  value: string | number | Date,
  language: Language,
  zone: DisplayZone,
  options: Intl.DateTimeFormatOptions = { dateStyle: 'short', timeStyle: 'medium' },
): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '—';
  const key = `${language}:${zone}:${JSON.stringify(options)}`;
  let formatter = cache.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(localeOf(language), {
      ...options,
      timeZone: zone === 'UTC' ? 'UTC' : undefined,
    });
    cache.set(key, formatter);
  }
  return formatter.format(date) + (zone === 'UTC' ? ' UTC' : '');
}
