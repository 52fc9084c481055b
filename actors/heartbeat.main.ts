import { HeartbeatStatus } from '../core/db/models';
import { EventPublisher } from '../core/realtime/publisher';
import { runProcess } from './process';

/**
 * The `heartbeat` process. It records its start and stop in `heartbeat_status` and announces itself alive; the
 * Binance feed and the candle builder are added by the heartbeat issue on top of this frame.
 */
void runProcess('heartbeat', async ({ config, redis }) => {
  const publisher = new EventPublisher(redis, config.QUEUE_PREFIX);
  const status = await HeartbeatStatus.query().insertAndFetch({
    is_connected: false,
    last_application_start: new Date(),
    symbols_monitored: [],
  });
  await publisher.publish('status:changed', { reason: 'heartbeat' }, 'all');
  return async () => {
    await HeartbeatStatus.query().findById(status.id).patch({ is_connected: false, last_application_stop: new Date() });
    await publisher.publish('status:changed', { reason: 'heartbeat' }, 'all');
  };
});
