// Dates in the user's zone and language, always followed by that zone: "UTC", or the browser zone's offset.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { formatDateTime, zoneLabel } from './date-format';

// The browser's zone, for the "local" option: Paris, an hour ahead of UTC in winter and two in summer. Node reads
// TZ again when it changes, and nothing here has formatted a date yet; the other spec files get theirs back.
vi.stubEnv('TZ', 'Europe/Paris');
afterAll(() => vi.unstubAllEnvs());

const WHEN = '2026-12-01T21:40:05.000Z';
const SUMMER = '2026-07-01T21:40:05.000Z';

describe('date formats', () => {
  it('writes a UTC date the French or English way, naming the zone', () => {
    expect(formatDateTime(WHEN, 'fr', 'UTC')).toBe('01/12/2026 21:40:05 UTC');
    expect(formatDateTime(WHEN, 'en', 'UTC')).toBe('01/12/2026, 21:40:05 UTC');
  });

  it("uses the browser's zone when asked, and names it by its offset at that date", () => {
    expect(formatDateTime(WHEN, 'fr', 'local')).toBe('01/12/2026 22:40:05 UTC+1');
    expect(formatDateTime(Date.parse(WHEN), 'en', 'local')).toBe('01/12/2026, 22:40:05 UTC+1');
    expect(formatDateTime(SUMMER, 'fr', 'local')).toBe('01/07/2026 23:40:05 UTC+2');
  });

  it('labels offsets with minutes, behind UTC, and none', () => {
    const at = (tz: string, when: string) => {
      vi.stubEnv('TZ', tz);
      try {
        return zoneLabel(when, 'local');
      } finally {
        vi.stubEnv('TZ', 'Europe/Paris');
      }
    };
    expect(at('Asia/Kolkata', WHEN)).toBe('UTC+5:30');
    expect(at('America/Sao_Paulo', WHEN)).toBe('UTC-3');
    expect(at('Europe/London', WHEN)).toBe('UTC');
    expect(at('Europe/London', SUMMER)).toBe('UTC+1');
    expect(zoneLabel(WHEN, 'UTC')).toBe('UTC');
  });

  it('takes other layouts and refuses nothing silently', () => {
    expect(formatDateTime(WHEN, 'fr', 'UTC', { dateStyle: 'long' })).toBe('1 décembre 2026 UTC');
    expect(formatDateTime(WHEN, 'en', 'local', { dateStyle: 'short', timeStyle: 'short' })).toBe(
      '01/12/2026, 22:40 UTC+1',
    );
    expect(formatDateTime('not a date', 'fr', 'UTC')).toBe('—');
  });
});
