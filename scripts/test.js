'use strict';
// `npm test`: provisions like `npm start` (a separate database and Redis DB), then lint, typecheck, build and the
// Jest suites (unit, integration against real PostgreSQL and Redis, browser tests in Debian's Chromium).
const fs = require('node:fs');
const path = require('node:path');
const { DATA_DIR, log, fail, run, ensureDependencies, aptInstall, readJson } = require('./lib/system');
const { provision, scratchEnv } = require('./lib/services');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

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
  if (results) {
    // The one closing line CI reads, whatever the runner.
    process.stdout.write(
      `\nTests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped\n`,
    );
  }
  log(`durée : ${Math.round((Date.now() - startedAt) / 1000)} s`);
  if (failed) fail(`l'étape « ${failed} » a échoué`);
}

main().catch((error) => fail(error.stack || String(error)));
