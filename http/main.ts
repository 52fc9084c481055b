import { createServer } from 'node:http';
import { runProcess } from '../actors/process';
import { EventPublisher } from '../core/realtime/publisher';
import { createApp } from './app';
import { resetDebugModeUnlessAvailable } from './routes/debug.routes';
import { attachGateway } from './realtime/gateway';

/** The `web` process: REST API, Socket.IO, Bull Board and the built UI on PORT. */
void runProcess('web', async ({ config, logger, db, redis }) => {
  await resetDebugModeUnlessAvailable({ config });
  const publisher = new EventPublisher(redis, config.QUEUE_PREFIX);
  const web = createApp({ config, db, redis, logger, publisher });
  const server = createServer(web.app);
  const subscriber = redis.duplicate();
  const io = await attachGateway(server, {
    session: web.session,
    subscriber,
    prefix: config.QUEUE_PREFIX,
    logger,
    db,
    config,
  });
  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
  logger.info({ url: `http://${config.HOST}:${config.PORT}` }, 'web listening');
  return async () => {
    // Closes the HTTP server too.
    await io.close();
    await web.close();
    await subscriber.quit();
  };
});
