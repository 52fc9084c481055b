import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import { loadConfig, type Config } from '../core/config';
import { createDb, migrateLatest } from '../core/db/knex';
import { createLogger } from '../core/logger';
import type { ServerToClientEvents } from '../core/realtime/events';
import { EventPublisher } from '../core/realtime/publisher';
import { createRedis, type Redis } from '../core/redis';
import { createApp } from '../http/app';
import { attachGateway } from '../http/realtime/gateway';

export interface BenchWeb {
  config: Config;
  logger: Logger;
  db: Knex;
  redis: Redis;
  publisher: EventPublisher;
  /** A Socket.IO client signed in as a fresh user, as a browser would be. */
  socket: Socket<ServerToClientEvents>;
  userId: number;
  url: string;
  /** Calls the API as that user (session cookie and CSRF token). */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

/** The web app with its Socket.IO gateway on a loopback port, on the bench database, and a signed-in client. */
export async function startBenchWeb(name: string, env: Record<string, string> = {}): Promise<BenchWeb> {
  const config = loadConfig({ ...process.env, QUEUE_PREFIX: `${name}${process.pid}`, ...env });
  const logger = createLogger('silent', 'bench');
  const db = createDb(config.DATABASE_URL);
  await migrateLatest(db);
  const redis = createRedis(config.REDIS_URL);
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const csrf = await fetch(`${url}/api/auth/csrf`);
  const anonymous = csrf.headers.getSetCookie()[0]!.split(';')[0]!;
  const { token } = (await csrf.json()) as { token: string };
  const registered = await fetch(`${url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: anonymous, 'x-csrf-token': token },
    body: JSON.stringify({ username: `${name}${process.pid}`, password: 'bench-password' }),
  });
  const cookie = registered.headers.getSetCookie()[0]!.split(';')[0]!;
  const signedIn = (await registered.json()) as { user: { id: number }; csrfToken: string };
  const userId = signedIn.user.id;
  // node:http rather than fetch: the client shares the CPU with the web process here, and fetch's web streams cost
  // about a millisecond per call on this path that a browser would spend on its own machine.
  const agent = new Agent({ keepAlive: true });
  const call = (method: string, path: string, body?: unknown) =>
    new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const headers: Record<string, string | number> = {
        'content-type': 'application/json',
        cookie,
        'x-csrf-token': signedIn.csrfToken,
      };
      if (payload !== undefined) headers['content-length'] = Buffer.byteLength(payload);
      const req = request(`${url}${path}`, { method, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            parsed = text;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  const socket: Socket<ServerToClientEvents> = connect(url, { transports: ['websocket'], extraHeaders: { cookie } });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));

  return {
    config,
    logger,
    db,
    redis,
    publisher,
    socket,
    userId,
    url,
    call,
    close: async () => {
      agent.destroy();
      socket.disconnect();
      await io.close();
      await subscriber.quit();
      await web.close();
      await redis.quit();
      await db.destroy();
    },
  };
}
