import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { createDb, migrateLatest } from '../db/knex';
import { CandleImportError, parseCsvCandles, parseFreqtradeJson } from './candle-import';
import { BACKTEST_TIMEFRAME_NAMES, storeCandles, type BacktestTimeframe } from './history';

/**
 * `npm run candles:import -- FILE… --source NAME --symbol BTC/USDT --timeframe 1h`: loads CSV or freqtrade JSON
 * candles (format from the extension) under an import source, each file all or nothing.
 */
async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { source: { type: 'string' }, symbol: { type: 'string' }, timeframe: { type: 'string' } },
  });
  const { source, symbol, timeframe } = values;
  if (!source || !symbol || !timeframe || !positionals.length) {
    throw new Error('usage : npm run candles:import -- FICHIER… --source NOM --symbol BTC/USDT --timeframe 1h');
  }
  if (!(BACKTEST_TIMEFRAME_NAMES as string[]).includes(timeframe)) {
    throw new Error(`--timeframe : une des unités ${BACKTEST_TIMEFRAME_NAMES.join(', ')}`);
  }
  const db = createDb(loadConfig(process.env).DATABASE_URL);
  try {
    await migrateLatest(db);
    for (const file of positionals) {
      const text = readFileSync(file, 'utf8');
      let rows;
      try {
        rows = path.extname(file).toLowerCase() === '.json' ? parseFreqtradeJson(text) : parseCsvCandles(text);
      } catch (error) {
        if (error instanceof CandleImportError) {
          throw new Error(`${file} : ${error.problems.join('\n  ')}`, { cause: error });
        }
        throw error;
      }
      const key = { source, symbol, timeframe: timeframe as BacktestTimeframe };
      const stored = await db.transaction((trx) => storeCandles(trx, key, rows));
      process.stdout.write(
        `${file} : ${rows.length} bougies lues, ${stored} nouvelles (${source} ${symbol} ${timeframe})\n`,
      );
    }
  } finally {
    await db.destroy();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
