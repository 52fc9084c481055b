import { NotFoundError } from '../core/errors';
import { z } from '../core/validation';

/** Decimal digits only, no sign, no exponent, no leading zero. */
const ID = /^[1-9]\d{0,15}$/;

/**
 * A row id: a positive integer. Ids are `bigint` in PostgreSQL; those a JS number holds exactly (up to 2^53) are
 * all a table will ever reach, so anything else names no row.
 */
function asId(raw: unknown): number | undefined {
  const text = typeof raw === 'number' ? String(raw) : raw;
  if (typeof text !== 'string' || !ID.test(text)) return undefined;
  const id = Number(text);
  return Number.isSafeInteger(id) ? id : undefined;
}

/** A route's `:id`; anything else is a row that does not exist. */
export function idParam(raw: string | undefined, notFound: string): number {
  const id = asId(raw);
  if (id === undefined) throw new NotFoundError(notFound);
  return id;
}

const idSchemas = new WeakSet<z.ZodType>();

/**
 * An id in a body (a number or a string of digits) or a query string. It only says the value can name a row: the
 * route still resolves it through the user's tenant scope, refusing a foreign id exactly like a missing one.
 */
export function idField(message = 'identifiant attendu') {
  const schema = z.union([z.number(), z.string()], { error: message }).transform((raw, ctx) => {
    const id = asId(raw);
    if (id === undefined) {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return id;
  });
  idSchemas.add(schema);
  return schema;
}

/** The fields of an object schema that take an id (made with idField), optional or not. */
export function idFieldsOf(schema: z.ZodType): string[] {
  let inner: unknown = schema;
  // Refinements of a whole object leave its shape where it was; wrappers (optional, default, pipe) hold it inside.
  while (inner instanceof z.ZodPipe || inner instanceof z.ZodOptional || inner instanceof z.ZodDefault) {
    inner = inner instanceof z.ZodPipe ? inner.in : inner.unwrap();
  }
  if (!(inner instanceof z.ZodObject)) return [];
  return Object.entries(inner.shape as Record<string, z.ZodType>)
    .filter(([, field]) => {
      let f: unknown = field;
      while (f instanceof z.ZodOptional || f instanceof z.ZodNullable || f instanceof z.ZodDefault) f = f.unwrap();
      return idSchemas.has(f as z.ZodType);
    })
    .map(([key]) => key);
}
