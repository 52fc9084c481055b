'use strict';
// `npm test`: provisions like `npm start` (a separate database and Redis DB), then lint, typecheck, build, the UI's
// unit tests (Vitest) and the Jest suites (unit, integration against real PostgreSQL and Redis, browser tests in
// Debian's Chromium).
const fs = require('node:fs');
const path = require('node:path');
const { DATA_DIR, log, fail, run, ensureDependencies, aptInstall, readJson } = require('./lib/system');
const { provision, scratchEnv } = require('./lib/services');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
/** In the title of every suite skipped because the shared fixtures are absent (FIXTURES_ABSENT, test/helpers/fixtures.ts). */
const FIXTURES_ABSENT = '(skipped: fixtures absent)';

/** The suites (file and title) and tests Jest skipped for want of the fixtures. */
function skippedForFixtures(results) {
  const suites = new Set();
  let tests = 0;
  for (const file of results.testResults ?? []) {
    for (const test of file.assertionResults ?? []) {
      const title = (test.ancestorTitles ?? []).find((t) => t.includes(FIXTURES_ABSENT));
      if (!title) continue;
      suites.add(`${path.relative(process.cwd(), file.name)} › ${title.replace(FIXTURES_ABSENT, '').trim()}`);
      tests++;
    }
  }
  return { suites: [...suites].sort(), tests };
}

function ensureChromium() {
  if (fs.existsSync(CHROMIUM)) return;
  aptInstall(['chromium']);
  if (!fs.existsSync(CHROMIUM)) fail(`Chromium est introuvable (${CHROMIUM})`);
}

async function main() {
  const startedAt = Date.now();
  ensureDependencies();
  ensureChromium();
  const services = await provision({ database: 'aristobot_test', redisDb: 1, recreateDatabase: true });
  const env = scratchEnv(services, { CHROMIUM_PATH: CHROMIUM });
  const resultsFile = path.join(DATA_DIR, 'jest-results.json');
  fs.rmSync(resultsFile, { force: true });
  const steps = [
    ['lint', ['npm', ['run', '--silent', 'lint']]],
    ['typecheck', ['npm', ['run', '--silent', 'typecheck']]],
    ['build', ['npm', ['run', '--silent', 'build']]],
    ['vitest', ['npm', ['run', '--silent', 'test:ui']]],
    ['jest', ['npx', ['jest', '--ci', '--json', `--outputFile=${resultsFile}`, ...process.argv.slice(2)]]],
  ];
  let failed = null;
  for (const [name, [cmd, args]] of steps) {
    log(`▶ ${name}`);
    if (run(cmd, args, { env }) !== 0) {
      failed = name;
      break;
    }
  }
  services.stop();
  const results = readJson(resultsFile, null);
  let missing = { suites: [], tests: 0 };
  if (results) {
    // The one closing line CI reads, whatever the runner.
    process.stdout.write(
      `\nTests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped\n`,
    );
    missing = skippedForFixtures(results);
    process.stdout.write(
      `Fixtures absent: ${missing.suites.length} suites, ${missing.tests} tests skipped` +
        missing.suites.map((suite) => `\n  - ${suite}`).join('') +
        '\n',
    );
  }
  log(`durée : ${Math.round((Date.now() - startedAt) / 1000)} s`);
  if (failed) fail(`l'étape « ${failed} » a échoué`);
  // On CI the cross-checks against the real data must run: a missing fixtures folder is a failure there.
  if (process.env.CI === 'true' && missing.suites.length) {
    fail(
      `${missing.suites.length} suites ignorées faute des fixtures (ARISTOBOT_FIXTURES : ${env.ARISTOBOT_FIXTURES})`,
    );
  }
}

main().catch((error) => fail(error.stack || String(error)));
