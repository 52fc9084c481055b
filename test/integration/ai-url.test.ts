// Finding 11: the Ollama URL is typed by a user and fetched by the server. Only AI_ALLOWED_HOSTS (here the default,
// localhost 127.0.0.1 ::1) may be reached, however the URL is written, whatever its name resolves to, never through a
// redirect; and no error repeats what the server at it sent, nor tells a closed port from another unreachable one.
import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { signedInClient, startTestApp, type TestApp } from '../helpers/app';
import { FakeAiServer } from '../fakes/ai-server';

const DEFAULT_URL = 'http://localhost:11434';
const SECRET = 'SECRET-UPSTREAM-BODY';

/**
 * A port that drops connections as a firewall does: a stopped process listening with a backlog of one, its queue
 * filled, so the next connection's SYN gets no answer.
 */
async function filteredPortUrl(): Promise<{ url: string; close(): void }> {
  const listener = spawn(
    process.execPath,
    [
      '-e',
      "const s = require('net').createServer(); s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => console.log(s.address().port))",
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = Number(
    await new Promise<string>((resolve) => listener.stdout.once('data', (d: Buffer) => resolve(String(d)))),
  );
  listener.kill('SIGSTOP');
  const queued: Socket[] = [];
  for (let k = 0; k < 2; k++) {
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    queued.push(socket);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      for (const socket of queued) socket.destroy();
      listener.kill('SIGKILL');
    },
  };
}

describe('the Ollama URL', () => {
  let app: TestApp;
  let strictApp: TestApp;
  let ollama: FakeAiServer;
  let ollamaUrl: string;
  let other: FakeAiServer;
  let otherUrl: string;

  beforeAll(async () => {
    // 2 s for a whole request: a connection not made within 1 s is given up as unreachable.
    app = await startTestApp({ OPENROUTER_URL: 'http://127.0.0.1:9/api/v1', AI_TIMEOUT_MS: '2000' });
    // `localhost` is listed but 127.0.0.1, where it resolves, is not: a listed name pointing elsewhere.
    strictApp = await startTestApp({ OPENROUTER_URL: 'http://127.0.0.1:9/api/v1', AI_ALLOWED_HOSTS: 'localhost,::1' });
    ollama = new FakeAiServer('ollama');
    ollamaUrl = await ollama.start();
    other = new FakeAiServer('ollama');
    otherUrl = await other.start();
  });
  afterAll(async () => {
    await app.close();
    await strictApp.close();
    await ollama.close();
    await other.close();
  });
  afterEach(() => {
    other.raw = null;
  });

  function bypasses(port: string): string[] {
    return [
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1:11434',
      `http://0x7f.1:${port}`,
      `http://2130706433:${port}`,
      `http://127.1:${port}`,
      `http://0177.0.0.1:${port}`,
      `http://127.0.0.1.nip.io:${port}`,
      `http://localhost.:${port}`,
      `http://%6cocalhost:${port}`,
      `http://[::ffff:127.0.0.1]:${port}`,
      `http://[0:0:0:0:0:0:0:1]:${port}`,
      `http://evil.example@127.0.0.1:${port}`,
      `http://127.0.0.1:${port}@evil.example`,
      `http://user:pass@localhost:${port}`,
      `http://127.0.0.1\\@evil.example:${port}`,
      `http:127.0.0.1:${port}`,
      `http:/127.0.0.1:${port}`,
      `http://127.0.0.1:${port}?next=http://10.0.0.1`,
      `http://127.0.0.1:${port}/#x`,
      'file:///etc/passwd',
      `ftp://127.0.0.1:${port}/`,
      'gopher://127.0.0.1:6379/_INFO',
    ];
  }

  it('refuses every other host however it is written, on save and on the models list, and asks nothing', async () => {
    const client = await signedInClient(app);
    const asked = ollama.requests.length;
    for (const url of bypasses(new URL(ollamaUrl).port)) {
      const saved = await client.send('put', '/api/ai/settings', { provider: 'ollama', ollamaUrl: url, model: 'm' });
      const listed = await client.send('post', '/api/ai/models', { provider: 'ollama', ollamaUrl: url });
      for (const res of [saved, listed]) {
        expect({ url, status: res.status, field: res.body.error?.field }).toEqual({
          url,
          status: 400,
          field: 'ollamaUrl',
        });
        expect(res.body.error.message).toMatch(/^URL Ollama : /);
      }
    }
    expect(ollama.requests.length).toBe(asked);
    expect((await client.get('/api/ai/settings')).body).toMatchObject({ provider: 'none', ollamaUrl: DEFAULT_URL });
  });

  it('still reaches an allowed host, written by name or by address', async () => {
    const client = await signedInClient(app);
    const byName = `http://LOCALHOST:${new URL(ollamaUrl).port}/`;
    const saved = await client.send('put', '/api/ai/settings', { provider: 'ollama', ollamaUrl: byName, model: 'm' });
    expect(saved.body.ollamaUrl).toBe(`http://localhost:${new URL(ollamaUrl).port}`);
    for (const url of [byName, ollamaUrl]) {
      const res = await client.send('post', '/api/ai/models', { provider: 'ollama', ollamaUrl: url });
      expect({ url, status: res.status, count: res.body.length }).toEqual({ url, status: 200, count: 2 });
    }
  });

  it('checks again before each request: a stored URL off the list, or a listed name resolving elsewhere', async () => {
    const client = await signedInClient(app);
    const port = new URL(ollamaUrl).port;
    await app
      .db('users')
      .where({ id: client.user!.id })
      .update({
        ai_provider: 'ollama',
        ai_ollama_url: `http://0x7f.1:${port}`,
        ai_model: 'qwen2.5-coder:7b',
      });
    const asked = ollama.requests.length;
    const proposal = await client.send('post', '/api/ai/strategy', { prompt: 'Une stratégie' });
    expect(proposal.status).toBe(400);
    expect(proposal.body.error).toMatchObject({ field: 'ollamaUrl', message: expect.stringMatching(/^URL Ollama : /) });
    expect((await client.send('post', '/api/ai/models', { provider: 'ollama' })).status).toBe(400);

    const strict = await signedInClient(strictApp);
    const byName = `http://localhost:${port}`;
    const saved = await strict.send('put', '/api/ai/settings', { provider: 'ollama', ollamaUrl: byName, model: 'm' });
    expect(saved.status).toBe(400);
    expect(saved.body.error).toMatchObject({
      field: 'ollamaUrl',
      message: 'URL Ollama : « localhost » pointe vers une adresse hors des hôtes autorisés (localhost, ::1)',
    });
    // Stored before the list changed: the connection itself checks where the name points.
    await strictApp.db('users').where({ id: strict.user!.id }).update({
      ai_provider: 'ollama',
      ai_ollama_url: byName,
      ai_model: 'qwen2.5-coder:7b',
    });
    const refused = await strict.send('post', '/api/ai/strategy', { prompt: 'Une stratégie' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.field).toBe('ollamaUrl');
    expect(ollama.requests.length).toBe(asked);
  });

  it('says "injoignable" of a filtered port, as of a closed one, not that it did not answer', async () => {
    const client = await signedInClient(app);
    const filtered = await filteredPortUrl();
    try {
      const started = Date.now();
      const res = await client.send('post', '/api/ai/models', { provider: 'ollama', ollamaUrl: filtered.url });
      expect(res.status).toBe(503);
      expect(res.body.error).toMatchObject({
        code: 'AI_UNREACHABLE',
        message: `Ollama à ${filtered.url} est injoignable`,
      });
      expect(Date.now() - started).toBeLessThan(1_900);
    } finally {
      filtered.close();
    }
  });

  it('does not follow a redirect, even to an allowed host', async () => {
    const client = await signedInClient(app);
    const asked = ollama.requests.length;
    for (const status of [301, 302, 307, 308]) {
      other.raw = { status, headers: { location: `${ollamaUrl}/api/tags` }, body: SECRET };
      const res = await client.send('post', '/api/ai/models', { provider: 'ollama', ollamaUrl: otherUrl });
      expect(res.status).toBe(502);
      expect(res.body.error).toMatchObject({
        code: 'AI_REDIRECT',
        message: `Ollama à ${otherUrl} a répondu par une redirection (HTTP ${status}), qui n'est pas suivie : indiquez l'URL d'Ollama elle-même`,
      });
    }
    expect(ollama.requests.length).toBe(asked);
  });

  it('tells what failed in its own words, never with what the server sent', async () => {
    const client = await signedInClient(app);
    const json = { 'content-type': 'application/json' };
    const cases = [
      {
        raw: { status: 404, body: `<html>${SECRET}</html>` },
        status: 404,
        message: 'a refusé avec HTTP 404 : est-ce bien Ollama ?',
      },
      {
        raw: { status: 403, headers: json, body: JSON.stringify({ error: SECRET }) },
        status: 400,
        message: 'a refusé avec HTTP 403',
      },
      {
        raw: { status: 500, headers: json, body: JSON.stringify({ error: { message: SECRET } }) },
        status: 503,
        message: 'est en erreur (HTTP 500)',
      },
      {
        raw: { status: 200, headers: json, body: `<html>${SECRET}</html>` },
        status: 502,
        message: 'a renvoyé une réponse illisible',
      },
      {
        raw: { status: 200, headers: json, body: JSON.stringify({ detail: SECRET }) },
        status: 502,
        message: 'ne répond pas comme Ollama (/api/tags)',
      },
    ];
    for (const { raw, status, message } of cases) {
      other.raw = raw;
      const res = await client.send('post', '/api/ai/models', { provider: 'ollama', ollamaUrl: otherUrl });
      expect({ status: res.status, message: res.body.error.message }).toEqual({
        status,
        message: `Ollama à ${otherUrl} ${message}`,
      });
      expect(JSON.stringify(res.body)).not.toContain(SECRET);
    }
    other.raw = null;
    await client.send('put', '/api/ai/settings', { provider: 'ollama', ollamaUrl: otherUrl, model: 'llama3.1:8b' });
    other.raw = { status: 400, headers: json, body: JSON.stringify({ error: { message: SECRET } }) };
    const proposal = await client.send('post', '/api/ai/strategy', { prompt: 'Une stratégie' });
    expect(proposal.body.error).toEqual({
      code: 'AI_REJECTED',
      message: `Ollama à ${otherUrl} a refusé avec HTTP 400`,
    });
  });
});
