'use strict';
// `npm run bench`: provisions like `npm test` (its own database), then runs every bench/*.bench.ts. Each prints its
// figures with the size of the work and returns {name: number}; all of them are written to bench/results.json.
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, log, fail, run, ensureDependencies } = require('./lib/system');
const { provision, scratchEnv } = require('./lib/services');

async function main() {
  ensureDependencies();
  const services = await provision({ database: 'aristobot_bench', redisDb: 2, recreateDatabase: true });
  const env = scratchEnv(services);
  const resultsFile = path.join(ROOT, 'bench', 'results.json');
  const only = process.argv.slice(2);
  const benches = fs
    .readdirSync(path.join(ROOT, 'bench'))
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => !only.length || only.some((o) => f.includes(o)))
    .sort();
  // A run of some benches keeps the other figures; a full run rewrites them all.
  const results = only.length && fs.existsSync(resultsFile) ? JSON.parse(fs.readFileSync(resultsFile, 'utf8')) : {};
  let failed = false;
  for (const file of benches) {
    log(`▶ ${file}`);
    const out = path.join(ROOT, '.data', `${file}.json`);
    fs.rmSync(out, { force: true });
    const code = run(process.execPath, ['--no-node-snapshot', '--import', 'tsx', path.join('bench', file), out], {
      env,
    });
    if (code !== 0 || !fs.existsSync(out)) {
      failed = true;
      continue;
    }
    Object.assign(results, JSON.parse(fs.readFileSync(out, 'utf8')));
  }
  services.stop();
  fs.writeFileSync(resultsFile, JSON.stringify(results, null, 2) + '\n');
  log(`résultats : ${path.relative(ROOT, resultsFile)}`);
  if (failed) fail('un banc a échoué');
}

main().catch((error) => fail(error.stack || String(error)));
