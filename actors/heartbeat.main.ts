import { systemClock } from '../core/clock';
import { EventPublisher } from '../core/realtime/publisher';
import { openQueue } from '../queues/connection';
import { QUEUES } from '../queues/names';
import { HeartbeatActor, heartbeatSettings } from './heartbeat/heartbeat.actor';
import { runProcess } from './process';

/**
 * The `heartbeat` process: the Binance feed, the candles and the ticks. Start a second one for a hot standby; only
 * the holder of the Redis lock publishes.
 */
void runProcess('heartbeat', async ({ config, redis, db, logger }) => {
  const tickQueue = openQueue(QUEUES.tick, config.REDIS_URL, config.QUEUE_PREFIX);
  const actor = new HeartbeatActor({
    db,
    redis,
    publisher: new EventPublisher(redis, config.QUEUE_PREFIX),
    tickQueue,
    logger,
    clock: systemClock,
    settings: heartbeatSettings(config),
  });
  await actor.start();
  return async () => {
    await actor.stop();
    await tickQueue.close();
  };
});
