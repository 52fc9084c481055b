import Decimal from 'decimal.js';
import { z } from 'zod';
import { ValidationError } from './errors';

// Schema messages in French, like every message a user reads.
z.config(z.locales.fr());

/** Told of every input `parse` checks, with its schema (see watchParses). */
type ParseWatcher = (schema: z.ZodType) => void;
const watchers = new Set<ParseWatcher>();

/**
 * Calls `watcher` with the schema of every input parsed until the returned function is called. The tenancy test
 * uses it to find, route by route, which requests take ids, so a new one cannot be missed.
 */
export function watchParses(watcher: ParseWatcher): () => void {
  watchers.add(watcher);
  return () => watchers.delete(watcher);
}

/**
 * Parses input with a schema; the first problem becomes a ValidationError naming the field, so the UI can show it
 * beside that field. Nothing is written before this passes.
 */
export function parse<T extends z.ZodType>(schema: T, input: unknown, labels: Record<string, string> = {}): z.infer<T> {
  for (const watcher of watchers) watcher(schema);
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.map(String).join('.') || undefined;
  const label = field ? (labels[field] ?? labels[String(issue.path[0])] ?? field) : undefined;
  throw new ValidationError(label ? `${label} : ${issue.message}` : issue.message, field);
}

/** Digits before and after the point that a `numeric(36, 18)` column holds. */
export const DECIMAL_DIGITS = { integer: 18, fraction: 18 };
const DECIMAL = /^(-?)0*(\d*?)(?:\.(\d*?)0*)?$/;

/**
 * A decimal amount, price or fraction as the API takes it: a string written without exponent (or, with `numbers`,
 * also a JSON number, whatever its notation), never more digits than `numeric(36, 18)` holds, so PostgreSQL never
 * refuses nor rounds it. Gives the trimmed decimal string.
 */
export function decimalField(options: { signed?: boolean; numbers?: boolean } = {}) {
  const text = z.string({ error: 'nombre décimal attendu' }).trim();
  // The number exactly as JSON wrote it, in plain digits: `String(1e-7)` is "1e-7", which the shape refuses.
  const plain = (value: number) => new Decimal(value).toFixed();
  const input = options.numbers
    ? z.union([text, z.number({ error: 'nombre décimal attendu' }).transform(plain)], {
        error: 'nombre décimal attendu',
      })
    : text;
  const shape = options.signed ? /^-?\d+(\.\d+)?$/ : /^\d+(\.\d+)?$/;
  return input.superRefine((value, ctx) => {
    if (!shape.test(value)) {
      ctx.addIssue({ code: 'custom', message: `nombre décimal attendu (ex. 0.001)` });
      return;
    }
    const [, , integer, fraction = ''] = DECIMAL.exec(value)!;
    if (integer.length > DECIMAL_DIGITS.integer) {
      ctx.addIssue({ code: 'custom', message: `${DECIMAL_DIGITS.integer} chiffres au plus avant la virgule` });
    } else if (fraction.length > DECIMAL_DIGITS.fraction) {
      ctx.addIssue({ code: 'custom', message: `${DECIMAL_DIGITS.fraction} décimales au plus` });
    }
  });
}

/**
 * The instants the API takes, as epoch milliseconds: from 1970 (candles are stamped in epoch milliseconds) to 2100.
 * Far wider than any market history, and far inside what a JS Date and a PostgreSQL timestamp hold.
 */
export const INSTANT_RANGE = { min: Date.UTC(1970, 0, 1), max: Date.UTC(2100, 0, 1) };
export const INSTANT_RANGE_MESSAGE = 'date entre 1970 et 2100 attendue';

export function instantInRange(ms: number): boolean {
  return Number.isFinite(ms) && ms >= INSTANT_RANGE.min && ms < INSTANT_RANGE.max;
}

/** An ISO 8601 date or date-time (with its offset) within INSTANT_RANGE; kept as the string given. */
export const isoInstant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], { error: 'date ISO attendue' })
  .refine((value) => instantInRange(Date.parse(value)), { error: INSTANT_RANGE_MESSAGE });

export { z };
