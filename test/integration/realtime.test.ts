// The Socket.IO gateway: authenticated by the session cookie, one room per user, fed by events any process
// publishes on Redis.
import { io as connect, type Socket } from 'socket.io-client';
import { EventPublisher } from '../../core/realtime/publisher';
import { createRedis } from '../../core/redis';
import { httpSession, listen, startTestApp, type TestApp } from '../helpers/app';

let app: TestApp;
let server: { url: string; close(): Promise<void> };
const sockets: Socket[] = [];

beforeAll(async () => {
  app = await startTestApp();
  server = await listen(app);
});
afterAll(async () => {
  sockets.forEach((s) => s.disconnect());
  await server.close();
  await app.close();
});

/** Registers over real HTTP, as a browser would, and returns the session cookie. */
async function sessionCookie(): Promise<string> {
  return (await httpSession(server.url)).cookie;
}

function open(cookie?: string): Socket {
  const socket = connect(server.url, {
    transports: ['websocket'],
    extraHeaders: cookie ? { cookie } : {},
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

async function userIdOf(cookie: string): Promise<number> {
  const res = await fetch(`${server.url}/api/auth/me`, { headers: { cookie } });
  return ((await res.json()) as { user: { id: number } }).user.id;
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
