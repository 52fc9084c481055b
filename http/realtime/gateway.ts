import type { Server as HttpServer } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { ALL_USERS_ROOM, type EventEnvelope, type ServerToClientEvents, userRoom } from '../../core/realtime/events';
import { eventsChannel } from '../../core/realtime/publisher';
import type { Redis } from '../../core/redis';

/**
 * Socket.IO, authenticated by the session cookie: a browser without a signed-in session is refused; a signed-in one
 * joins its user's room. Events published by any process on Redis are relayed to the room they target.
 */
export async function attachGateway(
  httpServer: HttpServer,
  options: { session: RequestHandler; subscriber: Redis; prefix: string; logger: Logger },
): Promise<Server<Record<string, never>, ServerToClientEvents>> {
  const io = new Server<Record<string, never>, ServerToClientEvents>(httpServer, { serveClient: false });
  io.engine.use(options.session);
  io.use((socket, next) => {
    const userId = (socket.request as unknown as { session?: { userId?: number } }).session?.userId;
    if (!userId) return next(new Error('AUTH_REQUIRED'));
    socket.data.userId = userId;
    next();
  });
  io.on('connection', (socket) => {
    void socket.join([userRoom(socket.data.userId as number), ALL_USERS_ROOM]);
  });

  const channel = eventsChannel(options.prefix);
  await options.subscriber.subscribe(channel);
  options.subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    try {
      const { event, payload, target } = JSON.parse(message) as EventEnvelope;
      const room = target === 'all' ? ALL_USERS_ROOM : userRoom(target.userId);
      (io.to(room).emit as (e: string, p: unknown) => boolean)(event, payload);
    } catch (error) {
      options.logger.warn({ err: error }, 'bad realtime envelope');
    }
  });
  return io;
}
