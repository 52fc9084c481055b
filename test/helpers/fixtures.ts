import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../core/paths';

/**
 * The shared public fixtures, read in place (never copied into the project). Only cross-checks against outside
 * reference data need them; every suite of our own behaviour runs without them (the fakes and
 * `market-data.ts` build what they need in the documented formats).
 */
export const FIXTURES = process.env.ARISTOBOT_FIXTURES ?? path.resolve(PROJECT_ROOT, '..', 'shared', 'fixtures');
export const haveFixtures = existsSync(FIXTURES);

/** In the title of every suite skipped for want of the fixtures: `scripts/test.js` counts them by it. */
export const FIXTURES_ABSENT = '(skipped: fixtures absent)';

/** One skipped placeholder saying which cross-check did not run and why. */
export function skippedWithoutFixtures(name: string): void {
  const skipped = describe.skip;
  skipped(`${name} ${FIXTURES_ABSENT}`, () => {
    it('needs ../shared/fixtures or ARISTOBOT_FIXTURES', () => undefined);
  });
}

/** `describe` for a cross-check on the fixtures when they are there; otherwise a skipped suite that says why. */
export function describeWithFixtures(name: string, body: () => void): void {
  // The body reads the fixtures, so without them it must not even be collected.
  if (haveFixtures) describe(name, body);
  else skippedWithoutFixtures(name);
}

export function fixture(relative: string): string {
  return readFileSync(path.join(FIXTURES, relative), 'utf8');
}
