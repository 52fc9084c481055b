// The AI assistant against local fake OpenRouter and Ollama servers: settings in Mon Compte (key encrypted, never
// returned), the provider's models, proposals validated by the sandbox (with one repair round), and provider
// errors and timeouts told in French.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { decryptCredentials } from '../../core/crypto/credentials';
import { EXAMPLE_STRATEGY } from '../../core/sandbox/templates';
import { httpSession, listen, signedInClient, startTestApp, type Client, type TestApp } from '../helpers/app';
import { until } from '../helpers/wait';
import { FakeAiServer } from '../fakes/ai-server';

const KEY = 'sk-or-v1-0123456789abcdef0123456789abcdef';
const BROKEN =
  'class Broken extends Strategy {\n  shouldLong() {\n    return this.candles.close.at(-1) > undefinedThing;\n  }\n  shouldShort() { return false; }\n  calculatePositionSize() { return 10; }\n  calculateStopLoss() { return 0; }\n  calculateTakeProfit() { return 0; }\n}';
const fenced = (code: string, text = 'Croisement de deux moyennes mobiles exponentielles.') =>
  `Voici la stratégie :\n\n\`\`\`javascript\n${code.trim()}\n\`\`\`\n\n${text}`;

let openRouter: FakeAiServer;
let ollama: FakeAiServer;
let ollamaUrl: string;
let app: TestApp;
let slowApp: TestApp;

beforeAll(async () => {
  openRouter = new FakeAiServer('openrouter');
  openRouter.validKeys.add(KEY);
  ollama = new FakeAiServer('ollama');
  const openRouterUrl = await openRouter.start();
  ollamaUrl = await ollama.start();
  app = await startTestApp({ OPENROUTER_URL: openRouterUrl });
  slowApp = await startTestApp({ OPENROUTER_URL: openRouterUrl, AI_TIMEOUT_MS: '400' });
});
afterAll(async () => {
  await app.close();
  await slowApp.close();
  await openRouter.close();
  await ollama.close();
});
beforeEach(() => {
  openRouter.chatDelayMs = 0;
  ollama.chatDelayMs = 0;
  openRouter.reply = ollama.reply = () => fenced(EXAMPLE_STRATEGY);
});

/** The URL of a port nothing listens on (one that was free a moment ago). */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** A port that accepts connections and closes them at once, before any HTTP: not Ollama, not reachable either. */
async function hangingUpUrl(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function withOllama(client: Client, model = 'qwen2.5-coder:7b'): Promise<void> {
  const res = await client.send('put', '/api/ai/settings', { provider: 'ollama', ollamaUrl, model });
  expect(res.status).toBe(200);
}

describe('settings', () => {
  it('starts switched off with the suggested Ollama URL', async () => {
    const client = await signedInClient(app);
    const res = await client.get('/api/ai/settings').expect(200);
    expect(res.body).toEqual({ provider: 'none', model: null, ollamaUrl: 'http://localhost:11434', apiKeyHint: null });
  });

  it('stores the OpenRouter key encrypted, shows only a hint, and keeps it when the assistant is switched off', async () => {
    const client = await signedInClient(app);
    const saved = await client.send('put', '/api/ai/settings', {
      provider: 'openrouter',
      apiKey: KEY,
      model: 'openai/gpt-4o-mini',
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({
      provider: 'openrouter',
      model: 'openai/gpt-4o-mini',
      ollamaUrl: 'http://localhost:11434',
      apiKeyHint: 'sk-o…cdef',
    });
    expect(JSON.stringify(saved.body)).not.toContain(KEY.slice(8));
    const row = await app.db('users').where({ id: client.user!.id }).first();
    expect(row.ai_api_key_enc).not.toContain(KEY);
    expect(decryptCredentials(row.ai_api_key_enc, app.config.SECRET_KEY, client.user!.id)).toEqual({ apiKey: KEY });

    const off = await client.send('put', '/api/ai/settings', { provider: 'none' });
    expect(off.body).toMatchObject({ provider: 'none', apiKeyHint: 'sk-o…cdef', model: 'openai/gpt-4o-mini' });
    const back = await client.send('put', '/api/ai/settings', { provider: 'openrouter' });
    expect(back.status).toBe(200);
    expect(back.body.provider).toBe('openrouter');
    const erased = await client.send('put', '/api/ai/settings', { provider: 'none', apiKey: null });
    expect(erased.body.apiKeyHint).toBeNull();
  });

  it('names the missing or bad field and writes nothing', async () => {
    const client = await signedInClient(app);
    const noKey = await client.send('put', '/api/ai/settings', { provider: 'openrouter', model: 'openai/gpt-4o-mini' });
    expect(noKey.status).toBe(400);
    expect(noKey.body.error).toMatchObject({ field: 'apiKey', message: expect.stringMatching(/^Clé API OpenRouter/) });
    const badUrl = await client.send('put', '/api/ai/settings', {
      provider: 'ollama',
      ollamaUrl: 'localhost',
      model: 'm',
    });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.error).toMatchObject({
      field: 'ollamaUrl',
      message: 'URL Ollama : URL http(s) attendue, hôte écrit en clair (ex. http://localhost:11434)',
    });
    const noModel = await client.send('put', '/api/ai/settings', { provider: 'ollama', ollamaUrl });
    expect(noModel.status).toBe(400);
    expect(noModel.body.error.field).toBe('model');
    expect((await client.get('/api/ai/settings')).body).toMatchObject({
      provider: 'none',
      model: null,
      apiKeyHint: null,
    });
  });

  it('cleans the Ollama URL as it is usually pasted (trailing slash, /v1)', async () => {
    const client = await signedInClient(app);
    const res = await client.send('put', '/api/ai/settings', {
      provider: 'ollama',
      ollamaUrl: `${ollamaUrl}/v1/`,
      model: 'llama3.1:8b',
    });
    expect(res.body.ollamaUrl).toBe(ollamaUrl);
  });

  it("keeps one user's settings and key away from another", async () => {
    const owner = await signedInClient(app);
    await owner.send('put', '/api/ai/settings', { provider: 'openrouter', apiKey: KEY, model: 'openai/gpt-4o-mini' });
    const other = await signedInClient(app);
    expect((await other.get('/api/ai/settings')).body).toMatchObject({ provider: 'none', apiKeyHint: null });
    const proposal = await other.send('post', '/api/ai/strategy', { prompt: 'Achète au croisement des EMA' });
    expect(proposal.status).toBe(409);
    expect(proposal.body.error.code).toBe('AI_DISABLED');
    const models = await other.send('post', '/api/ai/models', { provider: 'openrouter' });
    expect(models.status).toBe(400);
    expect(models.body.error.field).toBe('apiKey');
  });
});

describe('models', () => {
  it("lists OpenRouter's models after checking the typed key", async () => {
    const client = await signedInClient(app);
    const res = await client.send('post', '/api/ai/models', { provider: 'openrouter', apiKey: KEY });
    expect(res.status).toBe(200);
    expect(res.body.map((m: { id: string }) => m.id)).toEqual([
      'anthropic/claude-sonnet-4.5',
      'openai/gpt-4o-mini',
      'qwen/qwen-2.5-coder-32b-instruct',
    ]);
    expect(res.body[0]).toEqual({
      id: 'anthropic/claude-sonnet-4.5',
      name: 'anthropic: claude-sonnet-4.5',
      detail: '128k tokens',
    });
    const keyCheck = openRouter.requests.filter((r) => r.path === '/api/v1/key').at(-1);
    expect(keyCheck?.authorization).toBe(`Bearer ${KEY}`);
  });

  it('says when OpenRouter refuses the key', async () => {
    const client = await signedInClient(app);
    const res = await client.send('post', '/api/ai/models', { provider: 'openrouter', apiKey: 'sk-or-v1-wrong' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'AI_AUTH_FAILED',
      field: 'apiKey',
      message: 'OpenRouter a refusé la clé API : User not found.',
    });
  });

  it("lists Ollama's pulled models with their size", async () => {
    const client = await signedInClient(app);
    const res = await client.send('post', '/api/ai/models', { provider: 'ollama', ollamaUrl });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { id: 'llama3.1:8b', name: 'llama3.1:8b', detail: '7.6B · 4.7 Go' },
      { id: 'qwen2.5-coder:7b', name: 'qwen2.5-coder:7b', detail: '7.6B · 4.7 Go' },
    ]);
  });

  it('says when Ollama cannot be reached, in the same words whatever stopped the connection', async () => {
    const client = await signedInClient(app);
    const closed = await closedPortUrl();
    const hangUp = await hangingUpUrl();
    try {
      for (const url of [closed, hangUp.url]) {
        const res = await client.send('post', '/api/ai/models', { provider: 'ollama', ollamaUrl: url });
        expect({ url, status: res.status, error: res.body.error }).toMatchObject({
          url,
          status: 503,
          error: { code: 'AI_UNREACHABLE', message: `Ollama à ${url} est injoignable` },
        });
      }
    } finally {
      await hangUp.close();
    }
  });
});

describe('strategy proposals', () => {
  it('teaches the model our contract and ta, sends the current code, and returns validated code', async () => {
    const client = await signedInClient(app);
    await withOllama(client);
    const res = await client.send('post', '/api/ai/strategy', {
      prompt: 'Achète quand l’EMA 10 croise l’EMA 20 à la hausse',
      code: 'class Old extends Strategy {}',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      code: `${EXAMPLE_STRATEGY.trim()}\n`,
      explanation: expect.stringContaining('Croisement de deux moyennes'),
      attempts: 1,
      validation: { ok: true, candles: 500 },
    });
    expect(res.body.validation.trades).toBeGreaterThan(0);

    const sent = ollama.chatRequests().at(-1)!;
    expect(sent.model).toBe('qwen2.5-coder:7b');
    const [system, user] = sent.messages;
    expect(system.role).toBe('system');
    for (const part of ['extends `Strategy`', 'calculatePositionSize()', 'crossedAbove(a, b)', 'this.position']) {
      expect(system.content).toContain(part);
    }
    expect(system.content).toContain(
      '- macd(real; short period, long period, signal period) → macd, macd_signal, macd_histogram',
    );
    expect(system.content).toContain('- bbands(real; period, stddev) → bbands_lower, bbands_middle, bbands_upper');
    expect(user.content).toContain('Achète quand l’EMA 10 croise');
    expect(user.content).toContain('class Old extends Strategy {}');
  });

  it('gives the sandbox error back to the model once and returns its correction', async () => {
    const client = await signedInClient(app);
    await withOllama(client);
    let calls = 0;
    ollama.reply = () => fenced(++calls === 1 ? BROKEN : EXAMPLE_STRATEGY);
    const res = await client.send('post', '/api/ai/strategy', { prompt: 'Une stratégie EMA' });
    expect(res.body).toMatchObject({ attempts: 2, validation: { ok: true } });
    const repair = ollama.chatRequests().at(-1)!.messages;
    expect(repair.at(-2)).toMatchObject({ role: 'assistant', content: expect.stringContaining('class Broken') });
    expect(repair.at(-1)!.content).toMatch(/^The sandbox rejected this code: .*undefinedThing.* \(line 3\)/);
  });

  it('returns a proposal the sandbox still refuses with its error, so it cannot be accepted', async () => {
    const client = await signedInClient(app);
    await withOllama(client);
    ollama.reply = () => fenced(BROKEN);
    const res = await client.send('post', '/api/ai/strategy', { prompt: 'Une stratégie' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ attempts: 2, validation: { ok: false, error: { line: 3 } } });
    expect(res.body.validation.error.message).toContain('undefinedThing');
  });

  it('says when the reply holds no code', async () => {
    const client = await signedInClient(app);
    await withOllama(client);
    ollama.reply = () => 'Je ne peux pas aider pour cela.';
    const res = await client.send('post', '/api/ai/strategy', { prompt: 'Une stratégie' });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('AI_NO_CODE');
  });

  it('names a model that is not pulled in Ollama', async () => {
    const client = await signedInClient(app);
    await withOllama(client, 'mistral:7b');
    const res = await client.send('post', '/api/ai/strategy', { prompt: 'Une stratégie' });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({
      code: 'AI_NOT_FOUND',
      field: 'model',
      message: `Modèle « mistral:7b » introuvable : Ollama à ${ollamaUrl} a refusé avec HTTP 404 (modèle non téléchargé ?)`,
    });
  });

  it("tells OpenRouter's rate limit and missing credits apart", async () => {
    const client = await signedInClient(app);
    await client.send('put', '/api/ai/settings', { provider: 'openrouter', apiKey: KEY, model: 'openai/gpt-4o-mini' });
    openRouter.reply = () => ({
      status: 429,
      body: { error: { message: 'Rate limit exceeded: free-models-per-min', code: 429 } },
    });
    const limited = await client.send('post', '/api/ai/strategy', { prompt: 'Une stratégie' });
    expect(limited.status).toBe(429);
    expect(limited.body.error.message).toBe(
      'OpenRouter limite les requêtes, réessayez plus tard : Rate limit exceeded: free-models-per-min',
    );
    openRouter.reply = () => ({ status: 402, body: { error: { message: 'Insufficient credits', code: 402 } } });
    const broke = await client.send('post', '/api/ai/strategy', { prompt: 'Une stratégie' });
    expect(broke.body.error).toMatchObject({ code: 'AI_PAYMENT_REQUIRED' });
    expect(openRouter.chatRequests().at(-1)!.model).toBe('openai/gpt-4o-mini');
  });

  it('gives up after AI_TIMEOUT_MS with a clear message', async () => {
    const client = await signedInClient(slowApp);
    await client.send('put', '/api/ai/settings', { provider: 'openrouter', apiKey: KEY, model: 'openai/gpt-4o-mini' });
    openRouter.chatDelayMs = 3000;
    const started = Date.now();
    const res = await client.send('post', '/api/ai/strategy', { prompt: 'Une stratégie' });
    expect(res.status).toBe(504);
    expect(res.body.error).toMatchObject({
      code: 'AI_TIMEOUT',
      message: "OpenRouter n'a pas répondu en 0,4 s : réessayez ou choisissez un modèle plus rapide",
    });
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('stops asking the provider when the browser gives up', async () => {
    const server = await listen(app);
    try {
      const { headers } = await httpSession(server.url);
      const put = await fetch(`${server.url}/api/ai/settings`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({ provider: 'ollama', ollamaUrl, model: 'qwen2.5-coder:7b' }),
      });
      expect(put.status).toBe(200);
      ollama.chatDelayMs = 5000;
      const before = { asked: ollama.chatRequests().length, abandoned: ollama.abandoned };
      const browser = new AbortController();
      const pending = fetch(`${server.url}/api/ai/strategy`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ prompt: 'Une stratégie lente' }),
        signal: browser.signal,
      }).catch(() => 'cancelled');
      await until(() => ollama.chatRequests().length > before.asked);
      browser.abort();
      expect(await pending).toBe('cancelled');
      await until(() => ollama.abandoned > before.abandoned, 3000);
    } finally {
      await server.close();
    }
  });
});
