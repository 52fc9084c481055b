import { BACKTEST_TIMEFRAMES, type BacktestTimeframe } from './history';

/** A value read from a file, or what is wrong with it (in French, for the user). */
export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const wrong = (problem: string): Checked<never> => ({ ok: false, problem });

/**
 * Integers below 1e11 are epoch seconds, the others epoch milliseconds: 1e11 s is the year 5138, 1e11 ms is
 * March 1973, long before any crypto market.
 */
export const SECONDS_BELOW = 1e11;
const EARLIEST = 0;
// PostgreSQL and Date go further, but a candle after 9999 is a typo (or microseconds taken for milliseconds).
const LATEST = Date.UTC(10000, 0, 1) - 1;
/** numeric(36,18) holds 18 digits before the point. */
const MAX_DIGITS = 18;

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
// What nearly every file holds, checked in one step.
const PLAIN = /^\d{1,18}(?:\.\d+)?$/;
const DECIMAL = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

const excerpt = (raw: string) => `« ${raw.slice(0, 40).replace(/[\r\n\t\v\f]/g, ' ')} »`;

function inRange(time: number, raw: string): Checked<number> {
  if (time < EARLIEST) return wrong(`date avant 1970 ${excerpt(raw)}`);
  if (time > LATEST) return wrong(`date hors limites (après l'an 9999) ${excerpt(raw)}`);
  return ok(time);
}

/** An epoch number, in seconds or milliseconds told apart by magnitude (see SECONDS_BELOW). */
export function epochTime(value: number, raw = String(value)): Checked<number> {
  if (Math.abs(value) > LATEST) return inRange(value, raw);
  if (!Number.isSafeInteger(value)) {
    return wrong(`date : nombre entier de secondes ou de millisecondes attendu ${excerpt(raw)}`);
  }
  return inRange(Math.abs(value) < SECONDS_BELOW ? value * 1000 : value, raw);
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * A candle's open time: epoch seconds or milliseconds, or an ISO date (`2024-01-31`, `2024-01-31T13:00:00Z`,
 * `2024-01-31 13:00`, with an offset or without one, then UTC). Impossible dates (`2024-02-30`) are refused rather
 * than rolled over into the next month.
 */
export function parseTime(raw: string): Checked<number> {
  const text = raw.trim();
  if (/^-?\d+$/.test(text)) return epochTime(Number(text), text);
  const m = ISO.exec(text);
  if (!m) return wrong(`date illisible ${excerpt(text)} (date ISO ou époque en secondes ou millisecondes attendue)`);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((v) => Number(v ?? 0));
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) {
    return wrong(`date impossible ${excerpt(text)}`);
  }
  let offset = 0;
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const [, sign, hh, mm = '0'] = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone) ?? [];
    if (Number(hh) > 23 || Number(mm) > 59) return wrong(`fuseau horaire impossible ${excerpt(text)}`);
    offset = (sign === '-' ? -1 : 1) * (Number(hh) * 60 + Number(mm)) * 60_000;
  }
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  return inRange(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset, text);
}

/**
 * A price or volume as the decimal string PostgreSQL stores: non-negative and within numeric(36,18). With
 * `decimalComma` (files separated by `;`, as spreadsheets write them in French) `1,5` reads as 1.5.
 */
export function parseDecimal(raw: string, column: string, decimalComma = false): Checked<string> {
  let text = raw.trim();
  if (decimalComma) text = text.replace(',', '.');
  if (PLAIN.test(text)) return ok(text);
  if (!DECIMAL.test(text)) return wrong(`${column} : nombre illisible ${excerpt(raw.trim())}`);
  if (text.startsWith('-')) {
    if (Number(text) !== 0) return wrong(`${column} : nombre positif attendu ${excerpt(text)}`);
    text = text.slice(1);
  }
  const [mantissa, exponent] = text.split(/[eE]/);
  const whole = mantissa.split('.')[0].replace(/^0+/, '');
  if (exponent === undefined ? whole.length > MAX_DIGITS : !(Number(text) < 10 ** MAX_DIGITS)) {
    return wrong(`${column} : nombre trop grand ${excerpt(text)} (moins de 10^${MAX_DIGITS} attendu)`);
  }
  if (text.startsWith('.')) text = `0${text}`;
  return ok(text.endsWith('.') ? `${text}0` : text);
}

/** A number from a JSON file: the same checks as a decimal written as text. */
export function jsonDecimal(value: unknown, column: string): Checked<string> {
  if (typeof value === 'string') return parseDecimal(value, column);
  if (typeof value !== 'number') return wrong(`${column} : nombre attendu`);
  if (!Number.isFinite(value)) return wrong(`${column} : nombre trop grand (moins de 10^${MAX_DIGITS} attendu)`);
  return parseDecimal(String(value), column);
}

const GAPS = Object.entries(BACKTEST_TIMEFRAMES).map(([name, ms]) => [ms, name] as const);

function duration(ms: number): string {
  return GAPS.find(([length]) => length === ms)?.[1] ?? `${ms / 60_000} min`;
}

/**
 * What is wrong with one candle of a `timeframe` import, or null: the open time must fall on the timeframe's
 * boundary in UTC (so the spacing of any two candles is a multiple of it), and high/low must bound open/close.
 * `previous` is the candle read just before, to say why a file of 1m candles does not fit a 1h import.
 */
export function candleProblem(
  time: number,
  [open, high, low, close]: string[],
  timeframe: BacktestTimeframe,
  previous?: number,
): string | null {
  const step = BACKTEST_TIMEFRAMES[timeframe];
  if (time % step !== 0) {
    const gap = previous === undefined ? 0 : Math.abs(time - previous);
    const hint = gap > 0 && gap < step ? ` ; écart de ${duration(gap)} avec la bougie précédente` : '';
    return `${new Date(time).toISOString()} n'est pas l'ouverture d'une bougie ${timeframe} (UTC)${hint}`;
  }
  const [o, h, l, c] = [open, high, low, close].map(Number);
  if (h < Math.max(o, c, l) || l > Math.min(o, c)) return 'high/low incohérents avec open/close';
  return null;
}

/** One entry read from a file: a candle (prices as decimal strings), or what is wrong with that place. */
export type FileEntry =
  | { where: string; ref: number; time: number; values: string[] }
  | { where: string; ref: number; problem: string; fatal?: boolean };

/** Reads one file format a chunk at a time, so a big file never holds the event loop for long. */
export interface CandleFileReader {
  /** How a bad entry is counted: « … et 12 345 autres lignes invalides ». */
  readonly unit: string;
  /** How an entry is named in « déjà ligne 12 ». */
  label(ref: number): string;
  push(chunk: string): Promise<FileEntry[]>;
  end(): Promise<FileEntry[]>;
}

/** The columns every format carries, in order. */
export const VALUE_NAMES = ['open', 'high', 'low', 'close', 'volume'] as const;
