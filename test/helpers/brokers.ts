import { BrokerOperations } from '../../actors/broker/broker.operations';
import { BrokerWorkers } from '../../actors/broker/broker-workers';
import { ExchangeClients } from '../../core/exchanges/ccxt-client';
import { createLogger } from '../../core/logger';
import type { TestApp } from './app';

/** The broker actor as a worker process runs it, in-process, on the test app's Redis prefix. */
export async function startBrokerWorkers(app: TestApp): Promise<{ close(): Promise<void> }> {
  const subscriber = app.redis.duplicate();
  const workers = new BrokerWorkers({
    db: app.db,
    subscriber,
    redisUrl: app.config.REDIS_URL,
    prefix: app.config.QUEUE_PREFIX,
    logger: createLogger('silent', 'test'),
    operations: new BrokerOperations(
      app.db,
      new ExchangeClients(app.config.EXCHANGE_API_OVERRIDES),
      app.config.SECRET_KEY,
    ),
  });
  await workers.start();
  return {
    close: async () => {
      await workers.close();
      await subscriber.quit();
    },
  };
}
