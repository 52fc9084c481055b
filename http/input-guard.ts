import type { RequestHandler } from 'express';
import { ValidationError } from '../core/errors';

const NUL = '\u0000';
const MESSAGE = 'caractère nul (\\u0000) refusé';

/**
 * Where a NUL character sits in a parsed body or query string (`credentials.apiKey`, `items.2`), or undefined.
 * Iterative: a deeply nested body must not overflow the stack.
 */
export function nulField(input: unknown): string | undefined {
  const pending: [unknown, string][] = [[input, '']];
  while (pending.length) {
    const [value, path] = pending.pop()!;
    if (typeof value === 'string') {
      if (value.includes(NUL)) return path;
    } else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        const name = key.replaceAll(NUL, '\\u0000');
        const childPath = path ? `${path}.${name}` : name;
        if (key.includes(NUL)) return childPath;
        pending.push([child, childPath]);
      }
    }
  }
  return undefined;
}

/**
 * PostgreSQL's text types cannot hold U+0000, and no field of ours has a use for it: one refusal for every body,
 * query string and path, naming the field, before any route sees the request. Mounted after the body parsers.
 */
export const inputGuard: RequestHandler = (req, _res, next) => {
  // req.path is still percent-encoded: a NUL in it is %00, decoded into the route's params later.
  if (req.path.includes('%00')) throw new ValidationError(`Adresse : ${MESSAGE}`, undefined);
  const field = nulField(req.body) ?? nulField(req.query);
  if (field !== undefined) throw new ValidationError(field ? `${field} : ${MESSAGE}` : MESSAGE, field || undefined);
  next();
};
