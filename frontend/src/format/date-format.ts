import { localeOf, type Language } from './number-format';

/** Where the user reads their dates: UTC, or the browser's own zone. */
export type DisplayZone = 'UTC' | 'local';

const cache = new Map<string, Intl.DateTimeFormat>();

/**
 * The zone a date is written in, as a label: "UTC", or the browser zone's offset at that date ("UTC+1" in a Paris
 * winter, "UTC+2" in its summer, "UTC+5:30", "UTC-3"). An offset reads the same in every language, unlike Intl's
 * short names ("CET" in English, "UTC+1" in French).
 */
export function zoneLabel(value: string | number | Date, zone: DisplayZone): string {
  const date = new Date(value);
  if (zone === 'UTC' || Number.isNaN(date.getTime())) return 'UTC';
  const minutes = -date.getTimezoneOffset();
  if (minutes === 0) return 'UTC';
  const hours = Math.floor(Math.abs(minutes) / 60);
  const rest = Math.abs(minutes) % 60;
  return `UTC${minutes > 0 ? '+' : '-'}${hours}${rest ? `:${String(rest).padStart(2, '0')}` : ''}`;
}

/**
 * A date and time in the user's language and zone, followed by that zone: "01/12/2026 21:40:05 UTC", or
 * "01/12/2026 22:40:05 UTC+1" in the browser's zone, so a reader never has to guess which one a date is in.
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
  return `${formatter.format(date)} ${zoneLabel(date, zone)}`;
}
