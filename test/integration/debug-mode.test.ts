// Debug mode ("Mode développement"): available only with DEBUG_ARISTOBOT=true; then it stores ON and signs in as
// the normal user `dev`. Without it, nothing lets anyone in as dev without the password.
import { seedUsers } from '../../core/db/seed';
import { resetDebugModeUnlessAvailable } from '../../http/routes/debug.routes';
import { Client, startTestApp, type TestApp } from '../helpers/app';

let off: TestApp;
let on: TestApp;
beforeAll(async () => {
  off = await startTestApp({ DEBUG_ARISTOBOT: 'false' });
  on = await startTestApp({ DEBUG_ARISTOBOT: 'true' });
  await seedUsers({ dev: 'dev-password-1', dac: 'dac-password-1' });
});
afterAll(async () => {
  await off.db('debug_mode').update({ is_active: false });
  await off.close();
  await on.close();
});

describe('with DEBUG_ARISTOBOT=false', () => {
  it('says the switch is unavailable and refuses to turn it on', async () => {
    const client = new Client(off);
    expect((await client.get('/api/debug')).body).toEqual({ available: false, active: false });
    const res = await client.send('post', '/api/debug', { active: true });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('DEBUG_UNAVAILABLE');
    expect((await client.get('/api/auth/me')).status).toBe(401);
  });

  it('does not honour a flag left ON in the database', async () => {
    await off.db('debug_mode').update({ is_active: true });
    const client = new Client(off);
    expect((await client.get('/api/debug')).body.active).toBe(false);
    expect((await client.send('post', '/api/debug', { active: true })).status).toBe(403);
    expect((await client.get('/api/auth/me')).status).toBe(401);
  });

  it('resets the stored flag to OFF at start', async () => {
    await off.db('debug_mode').update({ is_active: true });
    await resetDebugModeUnlessAvailable({ config: off.config });
    expect((await off.db('debug_mode').first()).is_active).toBe(false);
  });

  it('still lets dev in with the password, like any user', async () => {
    const res = await new Client(off).send('post', '/api/auth/login', { username: 'dev', password: 'dev-password-1' });
    // dev may exist from an earlier start with another password; either way the password decides.
    expect([200, 401]).toContain(res.status);
    const wrong = await new Client(off).send('post', '/api/auth/login', { username: 'dev', password: 'wrong-one-x' });
    expect(wrong.status).toBe(401);
  });
});

describe('with DEBUG_ARISTOBOT=true', () => {
  it('turning it on stores ON and signs in as the normal user dev', async () => {
    const client = new Client(on);
    expect((await client.get('/api/debug')).body).toEqual({ available: true, active: false });
    const res = await client.send('post', '/api/debug', { active: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ available: true, active: true, user: { username: 'dev', isAdmin: false } });
    expect((await on.db('debug_mode').first()).is_active).toBe(true);
    expect((await client.get('/api/auth/me')).body.user.username).toBe('dev');
    expect((await client.get('/api/status')).body.debugActive).toBe(true);
  });

  it('turning it off stores OFF and signs nobody in', async () => {
    const client = new Client(on);
    const res = await client.send('post', '/api/debug', { active: false });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ available: true, active: false });
    expect((await on.db('debug_mode').first()).is_active).toBe(false);
    expect((await client.get('/api/auth/me')).status).toBe(401);
  });

  it('validates the body', async () => {
    const res = await new Client(on).send('post', '/api/debug', { active: 'yes' });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('active');
  });
});
