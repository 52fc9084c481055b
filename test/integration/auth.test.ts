// Sign-up, sign-in, sign-out, password change and the protections around them (CSRF, rate limit), against the
// real app, PostgreSQL and Redis.
import { Client, signedInClient, startTestApp, uniqueName, type TestApp } from '../helpers/app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ LOGIN_MAX_ATTEMPTS: '5', LOGIN_WINDOW_SECONDS: '60' });
});
afterAll(() => app.close());

describe('registration', () => {
  it('creates the account, signs it in, and never returns the hash', async () => {
    const client = new Client(app);
    const username = uniqueName();
    const res = await client.send('post', '/api/auth/register', { username, password: 'password-123' });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ username, isAdmin: false, theme: 'dark', displayTimezone: 'UTC' });
    expect(JSON.stringify(res.body)).not.toMatch(/argon2|password_hash/);
    const row = await app.db('users').where({ username }).first();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    const me = await client.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user.username).toBe(username);
  });

  it('refuses a taken name in any letter case, naming the field', async () => {
    const username = uniqueName('Name');
    await signedInClient(app, username);
    const res = await new Client(app).send('post', '/api/auth/register', {
      username: username.toLowerCase(),
      password: 'password-123',
    });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'USERNAME_TAKEN', field: 'username' });
  });

  it('refuses a short password in French, naming the field, and writes nothing', async () => {
    const username = uniqueName();
    const res = await new Client(app).send('post', '/api/auth/register', { username, password: 'short' });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('password');
    expect(res.body.error.message).toMatch(/Mot de passe : 8 caractères au moins/);
    expect(await app.db('users').where({ username }).first()).toBeUndefined();
  });
});

describe('login', () => {
  it('signs in with the right password and sets an httpOnly SameSite cookie', async () => {
    const username = uniqueName();
    await signedInClient(app, username);
    const client = new Client(app);
    const res = await client.send('post', '/api/auth/login', { username, password: 'password-123' });
    expect(res.status).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/aristobot\.sid=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect((await client.get('/api/auth/me')).status).toBe(200);
  });

  it('answers a wrong password with 401, a French message, and no session', async () => {
    const username = uniqueName();
    await signedInClient(app, username);
    const client = new Client(app);
    const res = await client.send('post', '/api/auth/login', { username, password: 'not-the-password' });
    expect(res.status).toBe(401);
    expect(res.body.error).toEqual({
      code: 'INVALID_CREDENTIALS',
      message: "Nom d'utilisateur ou mot de passe incorrect",
    });
    expect((await client.get('/api/auth/me')).status).toBe(401);
  });

  it('gives the same answer for an unknown user, so names do not leak', async () => {
    const res = await new Client(app).send('post', '/api/auth/login', { username: uniqueName(), password: 'x' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('INVALID_CREDENTIALS');
  });

  it('rate-limits fast wrong logins: 10 attempts end in 429, even with the right password then', async () => {
    const username = uniqueName();
    await signedInClient(app, username);
    const client = new Client(app);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      statuses.push((await client.send('post', '/api/auth/login', { username, password: `wrong-${i}` })).status);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429, 429, 429]);
    const blocked = await client.send('post', '/api/auth/login', { username, password: 'password-123' });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('LOGIN_RATE_LIMITED');
    expect(blocked.body.error.message).toMatch(/Trop de tentatives/);
  });

  it('keeps an active session alive: the cookie rolls on every answer, the stored expiry at most once a minute', async () => {
    const client = await signedInClient(app);
    const mine = () => app.db('sessions').whereRaw(`(sess->>'userId')::bigint = ?`, [client.user!.id]);
    const first = await client.get('/api/auth/me').expect(200);
    expect(first.headers['set-cookie']?.[0]).toMatch(/^aristobot\.sid=.*Expires=/);
    // Marks the stored expiry (second-grained), so that a touch by the next request would show.
    await mine().update({ expire: app.db.raw(`expire - interval '1 hour'`) });
    const marked = ((await mine().first()).expire as Date).getTime();
    const second = await client.get('/api/auth/me').expect(200);
    expect(second.headers['set-cookie']?.[0]).toMatch(/^aristobot\.sid=/);
    // One write per request would put a database commit on the path of every API call (every order).
    expect(((await mine().first()).expire as Date).getTime()).toBe(marked);
  });

  it('logout ends the session', async () => {
    const client = await signedInClient(app);
    expect((await client.send('post', '/api/auth/logout')).status).toBe(204);
    expect((await client.get('/api/auth/me')).status).toBe(401);
  });

  it('reads the user afresh with the session on every request, and ends a session whose user is gone', async () => {
    const client = await signedInClient(app);
    const id = client.user!.id;
    await app.db('users').where({ id }).update({ theme: 'light' });
    expect((await client.get('/api/auth/me')).body.user.theme).toBe('light');
    await app.db('users').where({ id }).update({ is_admin: true });
    expect((await client.get('/api/auth/me')).body.user.isAdmin).toBe(true);

    await app.db('brokers').where({ user_id: id }).delete();
    await app.db('strategies').where({ user_id: id }).delete();
    await app.db('users').where({ id }).delete();
    expect((await client.get('/api/auth/me')).status).toBe(401);
  });
});

describe('CSRF', () => {
  it('refuses a state-changing request without the token', async () => {
    const client = await signedInClient(app);
    const res = await client.agent.post('/api/auth/logout');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('CSRF_INVALID');
    expect((await client.get('/api/auth/me')).status).toBe(200);
  });

  it('refuses a token from another session', async () => {
    const victim = await signedInClient(app);
    const attacker = new Client(app);
    const foreignToken = await attacker.csrf();
    const res = await victim.agent
      .put('/api/auth/preferences')
      .set('X-CSRF-Token', foreignToken)
      .send({ theme: 'light' });
    expect(res.status).toBe(403);
    const row = await app.db('users').where({ id: victim.user!.id }).first();
    expect(row.theme).toBe('dark');
  });
});

describe('account', () => {
  it('changes the password only with the current one, and closes the other sessions', async () => {
    const username = uniqueName();
    const first = await signedInClient(app, username);
    const second = new Client(app);
    await second.send('post', '/api/auth/login', { username, password: 'password-123' });

    const wrong = await first.send('post', '/api/auth/password', {
      currentPassword: 'nope',
      newPassword: 'new-password-1',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'WRONG_PASSWORD', field: 'currentPassword' });

    const ok = await first.send('post', '/api/auth/password', {
      currentPassword: 'password-123',
      newPassword: 'new-password-1',
    });
    expect(ok.status).toBe(200);
    // This browser goes on in a new session; a copy of its old cookie no longer signs anyone in.
    expect((await first.get('/api/auth/me')).status).toBe(200);
    expect((await first.send('put', '/api/auth/preferences', { theme: 'light' })).status).toBe(200);
    expect((await second.get('/api/auth/me')).status).toBe(401);
    const relogin = await new Client(app).send('post', '/api/auth/login', { username, password: 'new-password-1' });
    expect(relogin.status).toBe(200);
  });

  it('stores display preferences and validates them', async () => {
    const client = await signedInClient(app);
    const res = await client.send('put', '/api/auth/preferences', { theme: 'light', displayTimezone: 'local' });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ theme: 'light', displayTimezone: 'local', language: 'fr' });
    const bad = await client.send('put', '/api/auth/preferences', { theme: 'pink' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('theme');
  });

  it('requires a session for /me and the status bar', async () => {
    const client = new Client(app);
    expect((await client.get('/api/auth/me')).status).toBe(401);
    const status = await client.get('/api/status');
    expect(status.status).toBe(401);
    expect(status.body.error.code).toBe('AUTH_REQUIRED');
  });
});
