import { z } from 'zod';
import { ValidationError } from './errors';

// Schema messages in French, like every message a user reads.
z.config(z.locales.fr());

/**
 * Parses input with a schema; the first problem becomes a ValidationError naming the field, so the UI can show it
 * beside that field. Nothing is written before this passes.
 */
export function parse<T extends z.ZodType>(schema: T, input: unknown, labels: Record<string, string> = {}): z.infer<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.map(String).join('.') || undefined;
  const label = field ? (labels[field] ?? field) : undefined;
  throw new ValidationError(label ? `${label} : ${issue.message}` : issue.message, field);
}

export { z };
