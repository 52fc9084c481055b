// Dates in the user's zone and language: UTC says so, the browser's zone is the machine's.
import { describe, expect, it } from 'vitest';
import { formatDateTime } from './date-format';

const WHEN = '2026-12-01T21:40:05.000Z';

describe('date formats', () => {
  it('writes a UTC date the French or English way, naming the zone', () => {
    expect(formatDateTime(WHEN, 'fr', 'UTC')).toBe('01/12/2026 21:40:05 UTC');
    expect(formatDateTime(WHEN, 'en', 'UTC')).toBe('01/12/2026, 21:40:05 UTC');
  });

  it("uses the browser's zone when asked, without the suffix", () => {
    const expected = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'medium' }).format(
      new Date(WHEN),
    );
    expect(formatDateTime(Date.parse(WHEN), 'fr', 'local')).toBe(expected);
  });

  it('takes other layouts and refuses nothing silently', () => {
    expect(formatDateTime(WHEN, 'fr', 'UTC', { dateStyle: 'long' })).toBe('1 décembre 2026 UTC');
    expect(formatDateTime('not a date', 'fr', 'UTC')).toBe('—');
  });
});
