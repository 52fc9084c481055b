import type { Server as HttpServer } from 'node:http';
import type { RequestHandler } from 'express';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { Server, type Socket } from 'socket.io';
import type { Config } from '../../core/config';
import { ALL_USERS_ROOM, type EventEnvelope, type ServerToClientEvents, userRoom } from '../../core/realtime/events';
import { endedSessionsChannel, eventsChannel } from '../../core/realtime/publisher';
import type { Redis } from '../../core/redis';
import { originAllowed } from './origins';

type Gateway = Server<Record<string, never>, ServerToClientEvents>;

export interface GatewayOptions {
  session: RequestHandler;
  subscriber: Redis;
  prefix: string;
  logger: Logger;
  db: Knex;
  config: Pick<Config, 'HOST' | 'PORT' | 'ALLOWED_ORIGINS'>;
  /** How often the sessions of connected sockets are checked against the store (expiry, rows deleted elsewhere). */
  sessionCheckMs?: number;
}

const sessionRoom = (sessionId: string) => `session:${sessionId}`;

/**
 * Closes the sockets whose session is no longer valid: expired, deleted without a word on Redis, or whose user is
 * gone. The ends the app causes itself (logout, password change) arrive on Redis at once; this catches the rest.
 */
async function closeStaleSockets(io: Gateway, db: Knex): Promise<void> {
  const sessionIds = [...new Set([...io.of('/').sockets.values()].map((s: Socket) => s.data.sessionId as string))];
  if (sessionIds.length === 0) return;
  const { rows } = await db.raw<{ rows: { sid: string }[] }>(
    `SELECT s.sid FROM sessions s JOIN users u ON u.id = (s.sess->>'userId')::bigint
     WHERE s.sid = ANY(?) AND s.expire >= now()`,
    [sessionIds],
  );
  const alive = new Set(rows.map((row) => row.sid));
  for (const id of sessionIds) if (!alive.has(id)) io.in(sessionRoom(id)).disconnectSockets(true);
}

/**
 * Socket.IO, authenticated by the session cookie: a browser without a signed-in session is refused, and so is a
 * page of another origin (a WebSocket is not bound by CORS; without this check any site could read a signed-in
 * visitor's events). A signed-in socket joins its user's room and its session's; it lives no longer than the
 * session. Events published by any process on Redis are relayed to the room they target.
 */
export async function attachGateway(httpServer: HttpServer, options: GatewayOptions): Promise<Gateway> {
  const io: Gateway = new Server(httpServer, {
    serveClient: false,
    allowRequest: (req, callback) => {
      const allowed = originAllowed(req, options.config);
      if (!allowed) {
        options.logger.warn({ origin: req.headers.origin, host: req.headers.host }, 'socket refused: foreign origin');
      }
      callback(allowed ? null : 'ORIGIN_REFUSED', allowed);
    },
  });
  io.engine.use(options.session);
  io.use((socket, next) => {
    const request = socket.request as unknown as { session?: { userId?: number }; sessionID?: string };
    const userId = request.session?.userId;
    if (!userId || !request.sessionID) return next(new Error('AUTH_REQUIRED'));
    socket.data.userId = userId;
    socket.data.sessionId = request.sessionID;
    next();
  });
  io.on('connection', (socket) => {
    void socket.join([
      userRoom(socket.data.userId as number),
      sessionRoom(socket.data.sessionId as string),
      ALL_USERS_ROOM,
    ]);
  });

  const channel = eventsChannel(options.prefix);
  const ended = endedSessionsChannel(options.prefix);
  await options.subscriber.subscribe(channel, ended);
  options.subscriber.on('message', (from: string, message: string) => {
    if (from !== channel && from !== ended) return;
    try {
      if (from === ended) {
        const { sessionIds } = JSON.parse(message) as { sessionIds: string[] };
        for (const id of sessionIds) io.in(sessionRoom(id)).disconnectSockets(true);
        return;
      }
      const { event, payload, target } = JSON.parse(message) as EventEnvelope;
      const room = target === 'all' ? ALL_USERS_ROOM : userRoom(target.userId);
      (io.to(room).emit as (e: string, p: unknown) => boolean)(event, payload);
    } catch (error) {
      options.logger.warn({ err: error }, 'bad realtime envelope');
    }
  });

  const timer = setInterval(() => {
    closeStaleSockets(io, options.db).catch((error: unknown) =>
      options.logger.warn({ err: error }, 'socket session check failed'),
    );
  }, options.sessionCheckMs ?? 30_000);
  timer.unref();
  httpServer.once('close', () => clearInterval(timer));
  return io;
}
