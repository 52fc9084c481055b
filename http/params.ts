import { NotFoundError } from '../core/errors';

/** A numeric route id; anything else is a row that does not exist. */
export function idParam(raw: string | undefined, notFound: string): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new NotFoundError(notFound);
  return id;
}
