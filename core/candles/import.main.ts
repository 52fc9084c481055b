import { createReadStream } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { createDb, migrateLatest } from '../db/knex';
import { findExchange } from '../exchanges/catalog';
import { CandleImportError, importCandles } from './candle-import';
import { SOURCE_NAME } from './candle-sources';
import { BACKTEST_TIMEFRAME_NAMES, type BacktestTimeframe } from './history';

const USAGE = 'usage : npm run candles:import -- FICHIER… --user NOM --source NOM --symbol BTC/USDT --timeframe 1h';

/**
 * `npm run candles:import -- FILE… --user NAME --source NAME --symbol BTC/USDT --timeframe 1h`: loads CSV or
 * freqtrade JSON candles (format from the extension) into that user's import source, each file all or nothing.
 * No size limit here, unlike the web import.
 */
async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      user: { type: 'string' },
      source: { type: 'string' },
      symbol: { type: 'string' },
      timeframe: { type: 'string' },
    },
  });
  const { user, source, symbol, timeframe } = values;
  if (!user || !source || !symbol || !timeframe || !positionals.length) throw new Error(USAGE);
  if (!(BACKTEST_TIMEFRAME_NAMES as string[]).includes(timeframe)) {
    throw new Error(`--timeframe : une des unités ${BACKTEST_TIMEFRAME_NAMES.join(', ')}`);
  }
  if (!SOURCE_NAME.test(source)) throw new Error('--source : lettres, chiffres, . _ - (64 au plus)');
  if (findExchange(source.toLowerCase()))
    throw new Error("--source : nom réservé à un exchange, choisissez un nom d'import");
  const db = createDb(loadConfig(process.env).DATABASE_URL);
  try {
    await migrateLatest(db);
    const owner = await db('users').whereRaw('lower(username) = lower(?)', [user]).first('id');
    if (!owner) throw new Error(`--user : utilisateur « ${user} » introuvable`);
    for (const file of positionals) {
      const format: 'csv' | 'json' = path.extname(file).toLowerCase() === '.json' ? 'json' : 'csv';
      const target = { userId: Number(owner.id), source, symbol, timeframe: timeframe as BacktestTimeframe, format };
      let result;
      try {
        result = await importCandles(db, target, createReadStream(file));
      } catch (error) {
        if (error instanceof CandleImportError) {
          throw new Error(`${file} :\n  ${error.message.split('\n').join('\n  ')}`, { cause: error });
        }
        throw error;
      }
      process.stdout.write(
        `${file} : ${result.received} bougies lues, ${result.stored} nouvelles (${source} de ${user}, ${symbol} ${timeframe})\n`,
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
