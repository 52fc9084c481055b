// The Socket.IO gateway: authenticated by the session cookie, one room per user, fed by events any process
// publishes on Redis; a socket lives no longer than its session, and only pages of our own origin may open one —
// nor a page of a name rebound to our address (DNS rebinding), over HTTP or Socket.IO.
import request from 'supertest';
import { io as connect, type Socket } from 'socket.io-client';
import { EventPublisher } from '../../core/realtime/publisher';
import { createRedis } from '../../core/redis';
import { httpSession, listen, startTestApp, type TestApp } from '../helpers/app';
import { until } from '../helpers/wait';

const ALLOWED = 'https://aristobot.example';

let app: TestApp;
let server: { url: string; close(): Promise<void> };
/** A second web process on the same database and Redis: sessions end there too. */
let other: { url: string; close(): Promise<void> };
const sockets: Socket[] = [];

beforeAll(async () => {
  app = await startTestApp({ ALLOWED_ORIGINS: ALLOWED });
  server = await listen(app);
  other = await listen(app);
});
afterAll(async () => {
  sockets.forEach((s) => s.disconnect());
  await server.close();
  await other.close();
  await app.close();
});

/** Registers over real HTTP, as a browser would, and returns the session cookie. */
async function sessionCookie(): Promise<string> {
  return (await httpSession(server.url)).cookie;
}

function open(cookie?: string, options: { url?: string; origin?: string; host?: string } = {}): Socket {
  const headers: Record<string, string> = {};
  if (cookie) headers.cookie = cookie;
  if (options.origin) headers.origin = options.origin;
  if (options.host) headers.host = options.host;
  const socket = connect(options.url ?? server.url, {
    transports: ['websocket'],
    extraHeaders: headers,
    reconnection: false,
  });
  sockets.push(socket);
  return socket;
}

const connected = (socket: Socket) =>
  new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });

const disconnected = (socket: Socket) => until(() => socket.disconnected, 3_000);

async function userIdOf(cookie: string): Promise<number> {
  const res = await fetch(`${server.url}/api/auth/me`, { headers: { cookie } });
  return ((await res.json()) as { user: { id: number } }).user.id;
}

/** Publishes as another process would, on its own Redis connection. */
async function publishFromElsewhere(userId: number): Promise<void> {
  const redis = createRedis(app.config.REDIS_URL);
  const publisher = new EventPublisher(redis, app.config.QUEUE_PREFIX);
  await publisher.publish('account:updated', { theme: 'light', displayTimezone: 'UTC', language: 'fr' }, { userId });
  await redis.quit();
}

it('refuses a browser without a signed-in session', async () => {
  await expect(connected(open())).rejects.toThrow('AUTH_REQUIRED');
});

it("delivers a user's events to that user's browsers only, and broadcasts to all", async () => {
  const [cookieA, cookieB] = [await sessionCookie(), await sessionCookie()];
  const [a, b] = [open(cookieA), open(cookieB)];
  await Promise.all([connected(a), connected(b)]);
  const received: Record<string, unknown[]> = { a: [], b: [] };
  a.on('account:updated', (p) => received.a.push(p));
  b.on('account:updated', (p) => received.b.push(p));
  a.on('status:changed', (p) => received.a.push(p));
  b.on('status:changed', (p) => received.b.push(p));

  // Published from another process's point of view: its own Redis connection.
  const otherProcess = createRedis(app.config.REDIS_URL);
  const publisher = new EventPublisher(otherProcess, app.config.QUEUE_PREFIX);
  const prefs = { theme: 'light', displayTimezone: 'UTC', language: 'fr' } as const;
  await publisher.publish('account:updated', prefs, { userId: await userIdOf(cookieA) });
  await publisher.publish('status:changed', { reason: 'test' }, 'all');
  await otherProcess.quit();

  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(received.a).toEqual([prefs, { reason: 'test' }]);
  expect(received.b).toEqual([{ reason: 'test' }]);
});

describe('a socket lives no longer than its session', () => {
  it('is closed at logout, in this web process and in another, and gets no more events', async () => {
    const { cookie, headers } = await httpSession(server.url);
    const userId = await userIdOf(cookie);
    const here = open(cookie);
    const there = open(cookie, { url: other.url });
    await Promise.all([connected(here), connected(there)]);
    const received: unknown[] = [];
    here.on('account:updated', (p) => received.push(p));
    there.on('account:updated', (p) => received.push(p));

    expect((await fetch(`${server.url}/api/auth/logout`, { method: 'POST', headers })).status).toBe(204);
    await Promise.all([disconnected(here), disconnected(there)]);
    await publishFromElsewhere(userId);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received).toEqual([]);
    await expect(connected(open(cookie))).rejects.toThrow('AUTH_REQUIRED');
  });

  it('closes every socket of the user at a password change; only the changing browser gets back in', async () => {
    const first = await httpSession(server.url);
    const me = (await (await fetch(`${server.url}/api/auth/me`, { headers: first.headers })).json()) as {
      user: { username: string };
    };
    const csrf = await fetch(`${server.url}/api/auth/csrf`);
    const anonymous = csrf.headers.getSetCookie()[0].split(';')[0];
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: anonymous,
        'x-csrf-token': ((await csrf.json()) as { token: string }).token,
      },
      body: JSON.stringify({ username: me.user.username, password: 'password-123' }),
    });
    expect(login.status).toBe(200);
    const secondCookie = login.headers.getSetCookie()[0].split(';')[0];
    const mine = open(first.cookie);
    const theirs = open(secondCookie, { url: other.url });
    await Promise.all([connected(mine), connected(theirs)]);

    const changed = await fetch(`${server.url}/api/auth/password`, {
      method: 'POST',
      headers: first.headers,
      body: JSON.stringify({ currentPassword: 'password-123', newPassword: 'new-password-1' }),
    });
    expect(changed.status).toBe(200);
    await Promise.all([disconnected(mine), disconnected(theirs)]);
    await expect(connected(open(secondCookie))).rejects.toThrow('AUTH_REQUIRED');
    await expect(connected(open(first.cookie))).rejects.toThrow('AUTH_REQUIRED');
    // The browser that changed it holds a new session (a stolen copy of the old cookie is worthless).
    const renewed = changed.headers.getSetCookie()[0].split(';')[0];
    await connected(open(renewed));
  });

  it('is closed when its session expires or is deleted without a word to the gateway', async () => {
    const checking = await listen(app, { sessionCheckMs: 200 });
    try {
      const [expiring, deleted] = [await sessionCookie(), await sessionCookie()];
      const a = open(expiring, { url: checking.url });
      const b = open(deleted, { url: checking.url });
      await Promise.all([connected(a), connected(b)]);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(a.connected && b.connected).toBe(true);

      const sid = (cookie: string) => decodeURIComponent(cookie.split('=')[1]).slice(2).split('.')[0];
      await app
        .db('sessions')
        .where({ sid: sid(expiring) })
        .update({ expire: new Date(Date.now() - 1000) });
      await app
        .db('sessions')
        .where({ sid: sid(deleted) })
        .delete();
      await Promise.all([disconnected(a), disconnected(b)]);
    } finally {
      await checking.close();
    }
  });
});

describe('the handshake checks the Origin', () => {
  it('refuses a page of another origin, even with a valid session', async () => {
    const cookie = await sessionCookie();
    await expect(connected(open(cookie, { origin: 'http://evil.example' }))).rejects.toThrow();
    await expect(connected(open(cookie, { origin: 'null' }))).rejects.toThrow();
  });

  it('accepts our own origin and those of ALLOWED_ORIGINS', async () => {
    const cookie = await sessionCookie();
    await connected(open(cookie, { origin: server.url }));
    await connected(open(cookie, { origin: ALLOWED }));
  });
});

describe('the Host must be one of ours (DNS rebinding)', () => {
  const port = () => new URL(server.url).port;

  it('refuses the handshake of a page whose name was rebound to our address, even with a valid session', async () => {
    const cookie = await sessionCookie();
    await expect(connected(open(cookie, { origin: 'http://evil.example', host: 'evil.example' }))).rejects.toThrow();
    await expect(
      connected(open(cookie, { origin: `http://evil.example:${port()}`, host: `evil.example:${port()}` })),
    ).rejects.toThrow();
    await connected(open(cookie, { origin: `http://localhost:${port()}`, host: `localhost:${port()}` }));
    await connected(open(cookie, { origin: ALLOWED, host: 'aristobot.example' }));
  });

  it('refuses every HTTP request sent to a foreign name, in our JSON shape, and serves our own', async () => {
    for (const [method, path] of [
      ['get', '/api/health'],
      ['get', '/api/auth/me'],
      ['post', '/api/debug'],
    ] as const) {
      const res = await request(server.url)[method](path).set('Host', `evil.example:${port()}`);
      expect({ path, status: res.status, code: res.body.error?.code }).toEqual({
        path,
        status: 403,
        code: 'HOST_NOT_ALLOWED',
      });
      expect(res.body.error.message).toMatch(/Hôte non autorisé/);
    }
    for (const host of [`127.0.0.1:${port()}`, `localhost:${port()}`, `[::1]:${port()}`, 'aristobot.example']) {
      expect({ host, status: (await request(server.url).get('/api/health').set('Host', host)).status }).toEqual({
        host,
        status: 200,
      });
    }
  });
});
