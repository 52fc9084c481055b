import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import request from 'supertest';
import { loadConfig, type Config } from '../../core/config';
import { createDb } from '../../core/db/knex';
import { createLogger } from '../../core/logger';
import { EventPublisher } from '../../core/realtime/publisher';
import { createRedis, type Redis } from '../../core/redis';
import { createApp, type WebApp } from '../../http/app';
import { attachGateway, type GatewayOptions } from '../../http/realtime/gateway';

export interface TestApp {
  config: Config;
  db: Knex;
  redis: Redis;
  publisher: EventPublisher;
  web: WebApp;
  close(): Promise<void>;
}

/** A unique name for this test, so suites never trip over each other's rows or Redis keys. */
export function uniqueName(prefix = 'u'): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}

/** The real app on the test database and Redis; each gets its own Redis key prefix. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  // Suites register many accounts from 127.0.0.1; the registration limit has a test of its own.
  const config = loadConfig({
    ...process.env,
    QUEUE_PREFIX: uniqueName('t'),
    LOG_LEVEL: 'silent',
    REGISTER_MAX_PER_HOUR: '100000',
    ...env,
  });
  const db = createDb(config.DATABASE_URL, { min: 0, max: 5 });
  const redis = createRedis(config.REDIS_URL);
  const publisher = new EventPublisher(redis, config.QUEUE_PREFIX);
  const web = createApp({ config, db, redis, logger: createLogger('silent', 'test'), publisher });
  return {
    config,
    db,
    redis,
    publisher,
    web,
    close: async () => {
      await web.close();
      await db.destroy();
      await redis.quit();
    },
  };
}

/** The app listening on a loopback port with the Socket.IO gateway, as the web process runs it. */
export async function listen(
  app: TestApp,
  gateway: Pick<GatewayOptions, 'sessionCheckMs'> = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const { createServer } = await import('node:http');
  const server: Server = createServer(app.web.app);
  const subscriber = app.redis.duplicate();
  const io = await attachGateway(server, {
    session: app.web.session,
    subscriber,
    prefix: app.config.QUEUE_PREFIX,
    logger: createLogger('silent', 'test'),
    db: app.db,
    config: app.config,
    ...gateway,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      // Keep-alive sockets of fetch would hold the server open for seconds.
      server.closeAllConnections();
      await io.close();
      await subscriber.quit();
    },
  };
}

/** A cookie-keeping client that sends the CSRF token like the browser does. */
export class Client {
  readonly agent: ReturnType<typeof request.agent>;
  token = '';
  user?: { id: number; username: string };

  constructor(app: TestApp) {
    this.agent = request.agent(app.web.app);
  }

  async csrf(): Promise<string> {
    const res = await this.agent.get('/api/auth/csrf').expect(200);
    this.token = res.body.token;
    return this.token;
  }

  get(url: string) {
    return this.agent.get(url);
  }

  async send(method: 'post' | 'put' | 'delete', url: string, body?: unknown) {
    if (!this.token) await this.csrf();
    const req = this.agent[method](url).set('X-CSRF-Token', this.token);
    const res = body === undefined ? await req : await req.send(body as object);
    if (res.body?.csrfToken) this.token = res.body.csrfToken;
    return res;
  }
}

/** Registers a fresh user and returns a client signed in as them. */
export async function signedInClient(app: TestApp, username = uniqueName()): Promise<Client> {
  const client = new Client(app);
  const res = await client.send('post', '/api/auth/register', { username, password: 'password-123' });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  client.user = res.body.user;
  return client;
}

/**
 * Registers a fresh user over real HTTP, as a browser would, for tests that need a socket of their own (Socket.IO,
 * an aborted fetch): the headers that carry the session cookie and the CSRF token.
 */
export async function httpSession(url: string): Promise<{ cookie: string; headers: Record<string, string> }> {
  const csrf = await fetch(`${url}/api/auth/csrf`);
  const { token } = (await csrf.json()) as { token: string };
  const res = await fetch(`${url}/api/auth/register`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      cookie: csrf.headers.getSetCookie()[0].split(';')[0],
      'x-csrf-token': token,
    },
    body: JSON.stringify({ username: uniqueName(), password: 'password-123' }),
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status}`);
  const cookie = res.headers.getSetCookie()[0].split(';')[0];
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie, headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken } };
}
