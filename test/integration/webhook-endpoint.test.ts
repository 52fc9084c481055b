// The webhook endpoint: what TradingView's requests become in `webhooks` before any order, and the sources API that
// makes their URLs. No webhook worker runs here: a taken-in request waits, queued, as it would with the workers down.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openQueue } from '../../queues/connection';
import { jobIds } from '../../queues/jobs';
import { QUEUES } from '../../queues/names';
import { signedInClient, startTestApp, type Client, type TestApp } from '../helpers/app';
import { describeWithFixtures, FIXTURES } from '../helpers/fixtures';
import { createSource, pathOf, postWebhook } from '../helpers/webhooks';

let app: TestApp;
let client: Client;
beforeAll(async () => {
  app = await startTestApp({ WEBHOOK_RATE_PER_MINUTE: '40' });
  client = await signedInClient(app);
});
afterAll(async () => {
  await app.close();
});

const rowsOf = (sourceId: number) => app.db('webhooks').where({ source_id: sourceId }).orderBy('id');
const buy = (fields: Record<string, unknown> = {}) => ({
  action: 'buy',
  symbol: 'BTC/USDT',
  quoteAmount: '50',
  ...fields,
});

describe('sources', () => {
  it('makes a source with a secret URL, its templates, and the user default broker', async () => {
    const source = await createSource(client, {
      symbol: 'BTC/USDT',
      size: { quoteAmount: 100 },
      passphrase: 'sésame-1',
    });
    const me = (await client.get('/api/auth/me').expect(200)).body;
    expect(source).toMatchObject({
      brokerId: me.user.defaultBrokerId,
      symbol: 'BTC/USDT',
      size: { quoteAmount: '100' },
      market: 'spot',
      actions: ['buy', 'sell', 'close'],
      passphraseSet: true,
      ipAllowlist: false,
      replayWindowS: null,
      dedupeWindowS: 60,
      active: true,
    });
    const token = pathOf(source).split('/')[2];
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Neither the token nor the passphrase can be read back from the database.
    const row = await app.db('webhook_sources').where({ id: source.id }).first();
    expect(JSON.stringify(row)).not.toContain(token);
    expect(JSON.stringify(row)).not.toContain('sésame-1');
    expect(JSON.stringify(source)).not.toContain('sésame-1');
    // Both templates are what the parser takes once TradingView has filled them in.
    expect(JSON.parse(source.templates.aristobot)).toMatchObject({ action: 'buy', passphrase: '<passphrase>' });
    expect(JSON.parse(source.templates.tradingview)).toMatchObject({ action: '{{strategy.order.action}}' });
  });

  it.each([
    [{ name: '' }, 'name', 'Nom'],
    [{ name: 'x', size: { percent: '150' } }, 'size', 'Taille par défaut'],
    [{ name: 'x', size: { quantity: '1', percent: '2' } }, 'size', 'Taille par défaut'],
    [{ name: 'x', actions: [] }, 'actions', 'Actions autorisées'],
    [{ name: 'x', actions: ['hold'] }, 'actions', 'Actions autorisées'],
    [{ name: 'x', market: 'margin' }, 'market', 'Marché'],
    [{ name: 'x', passphrase: 'ab' }, 'passphrase', 'Phrase secrète'],
    [{ name: 'x', replayWindowS: 0 }, 'replayWindowS', 'Fenêtre anti-rejeu'],
    [{ name: 'x', brokerId: 2 ** 40 }, 'brokerId', 'Broker'],
  ])('refuses %j naming %s, and writes nothing', async (body, field, label) => {
    const before = await app.db('webhook_sources').count({ n: '*' });
    const res = await client.send('post', '/api/webhook-sources', body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ field: expect.stringContaining(field) });
    expect(res.body.error.message).toContain(label);
    expect(await app.db('webhook_sources').count({ n: '*' })).toEqual(before);
  });

  it('edits, clears the passphrase, regenerates the token (the old URL stops working) and deletes', async () => {
    const source = await createSource(client, { passphrase: 'first-pass' });
    const edited = await client.send('put', `/api/webhook-sources/${source.id}`, {
      name: 'Renamed',
      passphrase: null,
      size: { percent: '25' },
      actions: ['buy', 'close'],
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      name: 'Renamed',
      passphraseSet: false,
      size: { percent: '25' },
    });
    // The same token; the host part is whatever this request was sent to.
    expect(pathOf(edited.body)).toBe(pathOf(source));
    expect(edited.body.actions).toEqual(['buy', 'close']);

    const renewed = (await client.send('post', `/api/webhook-sources/${source.id}/token`)).body;
    expect(renewed.url).not.toBe(source.url);
    expect((await postWebhook(app, pathOf(source), buy())).status).toBe(404);
    expect((await postWebhook(app, pathOf(renewed), buy())).status).toBe(200);

    expect((await client.send('delete', `/api/webhook-sources/${source.id}`)).status).toBe(204);
    expect((await postWebhook(app, pathOf(renewed), buy())).status).toBe(404);
    // What it received stays in the log, without its source.
    const log = (await client.get('/api/webhooks').expect(200)).body as { sourceId: number | null }[];
    expect(log.filter((w) => w.sourceId === null).length).toBeGreaterThan(0);
  });
});

describe('the endpoint', () => {
  it('stores the request, queues it once and answers at once; an unknown or inactive token stores nothing', async () => {
    const source = await createSource(client, { symbol: 'BTC/USDT' });
    const res = await postWebhook(app, pathOf(source), buy({ id: 'a-1' }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'received', reason: null });
    const [row] = await rowsOf(source.id);
    expect(row).toMatchObject({ id: res.body.id, status: 'received', body_id: 'a-1', user_id: client.user!.id });
    expect(row.raw_body).toBe(JSON.stringify(buy({ id: 'a-1' })));
    expect(row.headers).toMatchObject({ 'content-type': 'application/json', ip: '127.0.0.1' });
    const queue = openQueue(QUEUES.webhook, app.config.REDIS_URL, app.config.QUEUE_PREFIX);
    const job = await queue.getJob(jobIds.webhook(res.body.id));
    await queue.close();
    expect(job?.data).toEqual({ webhookId: res.body.id });

    const before = await app.db('webhooks').count({ n: '*' });
    const token = pathOf(source).split('/')[2];
    // One character off, another user's style of token, nothing at all.
    const near = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const bad of [near, 'x'.repeat(43), 'x'.repeat(500)]) {
      expect((await postWebhook(app, `/webhooks/${bad}`, buy())).status).toBe(404);
    }
    await client.send('put', `/api/webhook-sources/${source.id}`, { active: false });
    expect((await postWebhook(app, pathOf(source), buy())).status).toBe(404);
    expect(await app.db('webhooks').count({ n: '*' })).toEqual(before);
  });

  it('stores a refused body as rejected with the reason, and a body over 64 kB not at all', async () => {
    const source = await createSource(client);
    const cases: [string, string][] = [
      ['', 'vide'],
      ['[1,2]', ''],
      ['<html><body>502</body></html>', ''],
      ['{"action":"hold","symbol":"BTCUSDT","quantity":1}', 'hold'],
      ['{"action":"buy","symbol":"BTCUSDT","quantity":1,"action":"sell"}', 'action'],
      ['{"action":"buy","symbol":"BTCUSDT"}', 'taille'],
      ['{"action":"buy","quantity":1}', 'paire'],
      ['{"action":"buy","symbol":"BTCUSDT","quantity":"{{strategy.order.contracts}}"}', '{{strategy.order.contracts}}'],
      ['{"action":"buy","symbol":"BTC\u0000USDT","quantity":1}', 'NUL'],
    ];
    for (const [body, reason] of cases) {
      const res = await postWebhook(app, pathOf(source), body);
      expect([body, res.status, res.body.status]).toEqual([body, 422, 'rejected']);
      expect(res.body.reason.toLowerCase()).toContain(reason.toLowerCase());
    }
    const rows = await rowsOf(source.id);
    expect(rows.map((r) => r.status)).toEqual(cases.map(() => 'rejected'));
    expect(rows[8].raw_body).toContain('BTC\uFFFDUSDT');
    expect((await postWebhook(app, pathOf(source), `{"action":"buy","pad":"${'x'.repeat(70_000)}"}`)).status).toBe(413);
    expect(await rowsOf(source.id)).toHaveLength(cases.length);
  });

  it('checks the passphrase, the allowed actions and the replay window', async () => {
    const source = await createSource(client, {
      symbol: 'BTC/USDT',
      size: { quantity: '0.001' },
      passphrase: 'open-sesame',
      actions: ['buy', 'close'],
      replayWindowS: 60,
    });
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const old = new Date(Date.now() - 5 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const send = async (body: object) => (await postWebhook(app, pathOf(source), body)).body;
    expect(await send({ action: 'buy' })).toMatchObject({
      status: 'rejected',
      reason: expect.stringContaining('passphrase'),
    });
    expect(await send({ action: 'buy', passphrase: 'guess' })).toMatchObject({ reason: 'passphrase : incorrecte' });
    expect(await send({ action: 'sell', passphrase: 'open-sesame' })).toMatchObject({
      status: 'rejected',
      reason: expect.stringContaining('sell'),
    });
    expect(await send({ action: 'buy', passphrase: 'open-sesame', time: old })).toMatchObject({
      status: 'rejected',
      reason: expect.stringContaining('anti-rejeu'),
    });
    expect(await send({ action: 'buy', passphrase: 'open-sesame', time: now })).toMatchObject({ status: 'received' });
    // A 3Commas body carries it as `secret`, with an escaped quote in it: masked too, the rest kept as sent.
    const threeCommas = '{"secret": "open-\\"sesame", "action": "buy"}';
    await postWebhook(app, pathOf(source), threeCommas);
    // The passphrase is kept nowhere in clear: not in what was understood, not in the raw body, not in the database.
    const log = (await client.get(`/api/webhooks?sourceId=${source.id}`).expect(200)).body as {
      parsed: unknown;
      rawBody: string;
    }[];
    expect(JSON.stringify(log.map((w) => w.parsed))).not.toContain('open-sesame');
    expect(log.map((w) => w.rawBody)).toContain('{"action":"buy","passphrase":"•••","time":"' + now + '"}');
    expect(log.map((w) => w.rawBody)).toContain('{"secret": "•••", "action": "buy"}');
    const stored = await app.db('webhooks').where({ source_id: source.id }).pluck('raw_body');
    expect(stored.join('\n')).not.toContain('sesame');
  });

  it('takes one of two copies of a signal: by its id, or an identical body within the window', async () => {
    const source = await createSource(client, { symbol: 'BTC/USDT', size: { quantity: '0.001' }, dedupeWindowS: 30 });
    const statuses = async (bodies: object[]) =>
      (await Promise.all(bodies.map((b) => postWebhook(app, pathOf(source), b)))).map((r) => r.body.status).sort();
    // Sent at the same moment, as TradingView does when one alert is routed twice.
    expect(await statuses([buy({ id: 'x-1' }), buy({ id: 'x-1' }), buy({ id: 'x-1' })])).toEqual([
      'duplicate',
      'duplicate',
      'received',
    ]);
    expect(await statuses([{ action: 'close' }, { action: 'close' }])).toEqual(['duplicate', 'received']);
    // Another id is another signal, whatever the window.
    expect(await statuses([buy({ id: 'x-2' })])).toEqual(['received']);
    const rows = await rowsOf(source.id);
    expect(rows.filter((r) => r.status === 'duplicate').map((r) => r.reason)).toEqual([
      expect.stringContaining('x-1'),
      expect.stringContaining('x-1'),
      expect.stringContaining('identique'),
    ]);
  });

  it('refuses requests from elsewhere than TradingView when the source asks for it', async () => {
    const source = await createSource(client, { symbol: 'BTC/USDT', size: { quantity: '0.001' }, ipAllowlist: true });
    expect((await postWebhook(app, pathOf(source), buy())).body).toMatchObject({
      status: 'rejected',
      reason: expect.stringContaining('127.0.0.1'),
    });
    // A client cannot claim to be TradingView: X-Forwarded-For is not believed without TRUST_PROXY.
    const spoofed = await postWebhook(app, pathOf(source), buy()).set('x-forwarded-for', '52.89.214.238');
    expect(spoofed.body.status).toBe('rejected');
  });

  it('limits the requests of one source per minute, and not those of another', async () => {
    const flooded = await createSource(client, { symbol: 'BTC/USDT', size: { quantity: '0.001' } });
    const other = await createSource(client, { symbol: 'BTC/USDT', size: { quantity: '0.001' } });
    const codes: number[] = [];
    for (let i = 0; i < 42; i++) codes.push((await postWebhook(app, pathOf(flooded), buy({ id: `f-${i}` }))).status);
    expect(codes.filter((c) => c === 200)).toHaveLength(40);
    expect(codes.slice(40)).toEqual([429, 429]);
    expect((await postWebhook(app, pathOf(other), buy())).status).toBe(200);
    expect(await rowsOf(flooded.id)).toHaveLength(40);
  });

  it('lists the log newest first, filtered by source and status, for its user only', async () => {
    const source = await createSource(client, { symbol: 'BTC/USDT', size: { quantity: '0.001' } });
    await postWebhook(app, pathOf(source), buy({ id: 'l-1' }));
    await postWebhook(app, pathOf(source), 'not a signal');
    const all = (await client.get(`/api/webhooks?sourceId=${source.id}`).expect(200)).body;
    expect(all.map((w: { status: string }) => w.status)).toEqual(['rejected', 'received']);
    expect(all[1]).toMatchObject({
      sourceId: source.id,
      sourceName: source.name,
      parsed: { action: 'buy', id: 'l-1' },
      tradeId: null,
      rawBody: JSON.stringify(buy({ id: 'l-1' })),
    });
    const rejected = (await client.get(`/api/webhooks?sourceId=${source.id}&status=rejected`).expect(200)).body;
    expect(rejected).toHaveLength(1);
    const bad = await client.get('/api/webhooks?status=lost');
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('status');
    const stranger = await signedInClient(app);
    expect((await stranger.get('/api/webhooks').expect(200)).body).toEqual([]);
  });
});

describeWithFixtures('TradingView alert bodies as traders send them', () => {
  const example = (name: string) => readFileSync(path.join(FIXTURES, 'tradingview', 'examples', name), 'utf8');
  // Each body as TradingView would post it, and what the endpoint makes of it.
  it.each([
    ['01_hackingthemarkets_strategy_template.txt', 'rejected', '{{'],
    ['02_hackingthemarkets_strategy_filled.json', 'received', null],
    ['03_tradingview_doc_plaintext_template.txt', 'rejected', ''],
    ['04_octobot_plaintext_signal.txt', 'received', null],
    ['05_3commas_signal_bot_strategy_template.json', 'rejected', '{{'],
    ['06_alertatron_command_plaintext.txt', 'rejected', ''],
  ])('%s → %s', async (name, status, reason) => {
    const source = await createSource(client, { passphrase: name.startsWith('02') ? 'abcdefgh' : null });
    const res = await postWebhook(app, pathOf(source), example(name));
    expect(res.body.status).toBe(status);
    if (reason !== null) expect(res.body.reason).toContain(reason);
    else expect(res.body.reason).toBeNull();
  });
});
