import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../core/paths';

/** The shared public fixtures, read in place (never copied into the project). */
export const FIXTURES = process.env.ARISTOBOT_FIXTURES ?? path.resolve(PROJECT_ROOT, '..', 'shared', 'fixtures');
export const haveFixtures = existsSync(FIXTURES);

/** `describe` when the fixtures are there; otherwise the suite is reported as skipped, saying why. */
export function describeWithFixtures(name: string, body: () => void): void {
  if (haveFixtures) return describe(name, body);
  // The body reads the fixtures, so it must not even be collected: one skipped placeholder says why.
  const skipped = describe.skip;
  skipped(`${name} (skipped: fixtures absent)`, () => {
    it('needs ../shared/fixtures or ARISTOBOT_FIXTURES', () => undefined);
  });
}

export function fixture(relative: string): string {
  return readFileSync(path.join(FIXTURES, relative), 'utf8');
}
