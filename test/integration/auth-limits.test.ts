// The limits around signing in that a hostile tester got past: a forged X-Forwarded-For, a username that folds to
// another one, unlimited guesses of the current password, unlimited registrations, and a session row stored for
// every anonymous visitor; then a login name that froze the process, limiter keys holding whole names, guesses
// sprayed over many names from one address, and a reply time that told which names exist.
import request from 'supertest';
import { Client, listen, signedInClient, startTestApp, uniqueName, type TestApp } from '../helpers/app';

let app: TestApp;
/** Behind a reverse proxy on loopback. */
let proxied: TestApp;
let limited: TestApp;
beforeAll(async () => {
  // Apps are opened together and closed together: the models are bound to the database of the last one opened.
  proxied = await startTestApp({
    LOGIN_MAX_ATTEMPTS: '3',
    LOGIN_WINDOW_SECONDS: '60',
    LOGIN_MAX_PER_IP: '8',
    TRUST_PROXY: 'true',
  });
  limited = await startTestApp({ REGISTER_MAX_PER_HOUR: '3' });
  app = await startTestApp({ LOGIN_MAX_ATTEMPTS: '3', LOGIN_WINDOW_SECONDS: '60' });
});
afterAll(async () => {
  await proxied.close();
  await limited.close();
  await app.close();
});

async function wrongLogins(client: Client, username: string, count: number, ip?: string): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    if (!client.token) await client.csrf();
    const req = client.agent.post('/api/auth/login').set('X-CSRF-Token', client.token);
    if (ip) req.set('X-Forwarded-For', ip);
    statuses.push((await req.send({ username, password: `wrong-${i}` })).status);
  }
  return statuses;
}

describe('login limit', () => {
  it('ignores X-Forwarded-For unless TRUST_PROXY is set', async () => {
    const username = uniqueName();
    await signedInClient(app, username);
    const client = new Client(app);
    const forged = await wrongLogins(client, username, 6, undefined);
    expect(forged.slice(3)).toEqual([429, 429, 429]);
    // A new address per attempt does not buy a new allowance.
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push(...(await wrongLogins(client, username, 1, `203.0.113.${i + 1}`)));
    expect(statuses).toEqual([429, 429, 429]);
  });

  it('believes X-Forwarded-For from a loopback proxy when TRUST_PROXY=true', async () => {
    const username = uniqueName();
    await signedInClient(proxied, username);
    const client = new Client(proxied);
    expect(await wrongLogins(client, username, 4, '203.0.113.7')).toEqual([401, 401, 401, 429]);
    // Another client behind the proxy keeps its own allowance.
    expect(await wrongLogins(client, username, 1, '203.0.113.8')).toEqual([401]);
  });

  it('folds a username once for the limit and the lookup: a look-alike name neither signs in nor resets the count', async () => {
    const username = `${uniqueName('sx')}i6`;
    await signedInClient(app, username);
    const client = new Client(app);
    expect(await wrongLogins(client, username, 3)).toEqual([401, 401, 401]);
    const variants = [username.toUpperCase(), username.replace('i6', 'İ6'), username.replace('i6', 'ｉ6')];
    for (const variant of variants) {
      const res = await client.send('post', '/api/auth/login', { username: variant, password: 'password-123' });
      expect({ variant, status: res.status }).not.toEqual({ variant, status: 200 });
    }
    const stored = await app.db('users').where({ username }).first();
    expect(stored.username_key).toBe(username);
  });

  it('signs in with a name typed in another case or in full-width letters, which fold to the same key', async () => {
    const username = uniqueName('Ab');
    await signedInClient(app, username);
    for (const typed of [username.toUpperCase(), username.replace('Ab', 'Ａｂ')]) {
      const res = await new Client(app).send('post', '/api/auth/login', { username: typed, password: 'password-123' });
      expect(res.status).toBe(200);
      expect(res.body.user.username).toBe(username);
    }
  });
});

describe('hostile login names', () => {
  it('refuses a 140 KB name of combining marks at once, and the process keeps answering meanwhile', async () => {
    const server = await listen(app);
    try {
      const csrf = await fetch(`${server.url}/api/auth/csrf`);
      const cookie = csrf.headers.getSetCookie()[0].split(';')[0];
      const { token } = (await csrf.json()) as { token: string };
      // Normalising this run of marks took seconds, before any limit or schema looked at it.
      const username = 'a' + '\u0316\u0301'.repeat(35_000);
      const started = Date.now();
      const login = fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': token },
        body: JSON.stringify({ username, password: 'x' }),
      }).then(async (res) => ({ status: res.status, body: await res.json(), ms: Date.now() - started }));
      await new Promise((resolve) => setTimeout(resolve, 20));
      const healthStarted = Date.now();
      const health = await fetch(`${server.url}/api/health`);
      const healthMs = Date.now() - healthStarted;
      const refused = await login;
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toMatch(/Nom d'utilisateur/);
      expect(refused.ms).toBeLessThan(1500);
      expect(health.status).toBe(200);
      expect(healthMs).toBeLessThan(1000);
    } finally {
      await server.close();
    }
  });

  it('keeps limiter keys of a bounded size whatever name is typed', async () => {
    const client = new Client(app);
    for (const username of [`${uniqueName()}${'a'.repeat(900_000)}`, uniqueName(), 'ｗｉｄｅ' + uniqueName()]) {
      const res = await client.send('post', '/api/auth/login', { username, password: 'x' });
      expect(res.status).toBeGreaterThanOrEqual(400);
    }
    const keys = await app.redis.keys(`${app.config.QUEUE_PREFIX}:login-*`);
    expect(keys.length).toBeGreaterThanOrEqual(3);
    for (const key of keys) expect(key.length).toBeLessThan(120);
  });
});

describe('login spraying', () => {
  it('refuses an address past LOGIN_MAX_PER_IP failed logins, whatever names it tries', async () => {
    const client = new Client(proxied);
    const statuses: number[] = [];
    for (let n = 0; n < 5; n++) statuses.push(...(await wrongLogins(client, uniqueName(), 2, '203.0.113.50')));
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 401, 401, 429, 429]);
    // Another address keeps its own allowance.
    expect(await wrongLogins(client, uniqueName(), 1, '203.0.113.51')).toEqual([401]);
  });

  it('takes as long to refuse an unknown name as a known one with a wrong password', async () => {
    const known = uniqueName();
    await signedInClient(app, known);
    const client = new Client(app);
    await client.csrf();
    const time = async (username: string) => {
      const started = process.hrtime.bigint();
      const res = await client.send('post', '/api/auth/login', { username, password: 'wrong-password' });
      expect(res.status).toBe(401);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const unknownMs: number[] = [];
    const knownMs: number[] = [];
    for (let i = 0; i < 3; i++) {
      unknownMs.push(await time(uniqueName()));
      knownMs.push(await time(known));
    }
    // Without a verification for unknown names they answered in a fifth of the time.
    expect(median(unknownMs)).toBeGreaterThan(median(knownMs) * 0.5);
  });
});

describe('password change limit', () => {
  it('counts wrong current passwords like failed logins, then refuses even the right one', async () => {
    const client = await signedInClient(app);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await client.send('post', '/api/auth/password', {
        currentPassword: `wrong-${i}`,
        newPassword: 'new-password-1',
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([400, 400, 400, 429, 429]);
    const blocked = await client.send('post', '/api/auth/password', {
      currentPassword: 'password-123',
      newPassword: 'new-password-1',
    });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('PASSWORD_RATE_LIMITED');
    expect(blocked.body.error.message).toMatch(/Trop de tentatives/);
  });
});

describe('registration limit', () => {
  it('refuses registrations past REGISTER_MAX_PER_HOUR from one address, in French', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await new Client(limited).send('post', '/api/auth/register', {
        username: uniqueName(),
        password: 'password-123',
      });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.body.error.code).toBe('REGISTER_RATE_LIMITED');
        expect(res.body.error.message).toMatch(/Trop de comptes créés/);
      }
    }
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
  });
});

describe('anonymous visitors', () => {
  it('store no session row, whatever public endpoint they call, and can still sign in with their CSRF token', async () => {
    const count = async () => Number((await app.db('sessions').count({ n: '*' }).first())?.n);
    const before = await count();
    const paths = ['/api/auth/csrf', '/api/auth/me', '/api/health', '/api/debug', '/', '/login'];
    for (const path of paths) {
      for (let i = 0; i < 100; i++) await request(app.web.app).get(path);
    }
    const visitor = new Client(app);
    for (let i = 0; i < 5; i++) await visitor.csrf();
    expect(await wrongLogins(visitor, uniqueName(), 1)).toEqual([401]);
    expect(await count()).toBe(before);

    const username = uniqueName();
    await signedInClient(app, username);
    const res = await visitor.send('post', '/api/auth/login', { username, password: 'password-123' });
    expect(res.status).toBe(200);
    expect(await count()).toBe(before + 2);
  });

  it('refuses an anonymous state-changing request whose token is not the one of its CSRF cookie', async () => {
    const username = uniqueName();
    await signedInClient(app, username);
    const visitor = new Client(app);
    await visitor.csrf();
    const other = new Client(app);
    const foreign = await other.csrf();
    const res = await visitor.agent
      .post('/api/auth/login')
      .set('X-CSRF-Token', foreign)
      .send({ username, password: 'password-123' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('CSRF_INVALID');
    const bare = await request(app.web.app)
      .post('/api/auth/login')
      .set('X-CSRF-Token', foreign)
      .send({ username, password: 'password-123' });
    expect(bare.status).toBe(403);
  });
});
