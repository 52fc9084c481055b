'use strict';
// `npm run candles:import -- FILE… --user NAME --source NAME --symbol BTC/USDT --timeframe 1h`: imports candles
// into that user's import source, in the database `npm start` uses (provisioned the same way), for backtests.
const { fail, run, ensureDependencies } = require('./lib/system');
const { provision, localSecretKey } = require('./lib/services');

async function main() {
  ensureDependencies();
  const services = await provision({ database: 'aristobot', redisDb: 0 });
  const env = { ...process.env, ...services.env, SECRET_KEY: process.env.SECRET_KEY || localSecretKey() };
  const code = run(process.execPath, ['--import', 'tsx', 'core/candles/import.main.ts', ...process.argv.slice(2)], {
    env,
  });
  services.stop();
  process.exit(code);
}

main().catch((error) => fail(error.stack || String(error)));
