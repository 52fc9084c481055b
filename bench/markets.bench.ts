// The markets actor's throughput: Binance's exchangeInfo at the size of its real spot list, fetched and parsed by
// ccxt's real `binance` class and stored into exchange_symbols (the exchange's rows replaced in one transaction).
import { loadMarkets } from '../actors/markets/markets.actor';
import { loadConfig } from '../core/config';
import { createDb, migrateLatest } from '../core/db/knex';
import { ExchangeClients } from '../core/exchanges/ccxt-client';
import { createLogger } from '../core/logger';
import { EventPublisher } from '../core/realtime/publisher';
import { createRedis } from '../core/redis';
import { FakeBinanceRest } from '../test/fakes/binance-rest';
import { report, save } from './harness';

const EXTRA_SYMBOLS = 3000;
const RUNS = 5;

async function main(): Promise<void> {
  const fake = new FakeBinanceRest({ extraSymbols: EXTRA_SYMBOLS });
  const url = await fake.listen();
  const config = loadConfig({ ...process.env, QUEUE_PREFIX: `benchmarkets${process.pid}` });
  const db = createDb(config.DATABASE_URL);
  await migrateLatest(db);
  const redis = createRedis(config.REDIS_URL);
  const deps = {
    db,
    clients: new ExchangeClients({ binance: url }),
    publisher: new EventPublisher(redis, config.QUEUE_PREFIX),
    logger: createLogger('silent', 'bench'),
    paperSource: 'binance',
  };
  try {
    const rates: number[] = [];
    let count = 0;
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      count = await loadMarkets(deps, 'binance', async () => undefined);
      rates.push(count / ((performance.now() - started) / 1000));
    }
    rates.sort((a, b) => a - b);
    const markets_per_s = rates[Math.floor(RUNS / 2)]!;
    report('markets_per_s', markets_per_s, '/s', `${count} markets fetched, parsed and stored, median of ${RUNS}`);
    save({ markets_per_s });
  } finally {
    await redis.quit();
    await db.destroy();
    await fake.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
