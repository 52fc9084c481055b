import { ExchangeClients } from '../core/exchanges/ccxt-client';
import { evictionPolicy } from '../core/redis';
import { BrokerOperations } from './broker/broker.operations';
import { BrokerWorkers } from './broker/broker-workers';
import { startActors } from './host';
import { runProcess } from './process';
import { systemActor } from './system.actor';

/**
 * The `worker` process: hosts the actors. Run as many as you like, on as many machines as you like, pointed at the
 * same Redis and PostgreSQL: BullMQ spreads the jobs. SIGTERM lets active jobs finish before exiting.
 */
void runProcess('worker', async ({ config, logger, db, redis }) => {
  const policy = await evictionPolicy(redis);
  if (policy && policy !== 'noeviction') {
    logger.warn({ policy }, 'Redis maxmemory-policy should be noeviction: jobs can be lost under memory pressure');
  }
  const host = await startActors([systemActor({ db, redis, prefix: config.QUEUE_PREFIX, logger })], {
    redisUrl: config.REDIS_URL,
    prefix: config.QUEUE_PREFIX,
    logger,
  });
  const subscriber = redis.duplicate();
  const brokers = new BrokerWorkers({
    db,
    subscriber,
    redisUrl: config.REDIS_URL,
    prefix: config.QUEUE_PREFIX,
    logger,
    operations: new BrokerOperations(db, new ExchangeClients(config.EXCHANGE_API_OVERRIDES), config.SECRET_KEY),
  });
  await brokers.start();
  return async () => {
    await host.close();
    await brokers.close();
    await subscriber.quit();
  };
});
