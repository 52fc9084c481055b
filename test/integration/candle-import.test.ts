// The candle import over HTTP: the file is the request body, read a piece at a time; a file of bad lines answers
// with its first 100 problems and a count without holding the web process; every problem is named by its line in
// file order; nothing is written unless the whole file is good; and an import belongs to its importer.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startTestApp, signedInClient, uniqueName, type Client, type TestApp } from '../helpers/app';

const HEADER = 'time,open,high,low,close,volume\n';
const HOUR = 3_600_000;
const JAN_1 = Date.UTC(2024, 0, 1);

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

interface Upload {
  source?: string;
  timeframe?: string;
  format?: 'csv' | 'json';
}

async function upload(client: Client, body: string | Buffer, { source = uniqueName('imp'), ...rest }: Upload = {}) {
  if (!client.token) await client.csrf();
  const query = new URLSearchParams({ source, symbol: 'BTC/USDT', timeframe: '1h', format: 'csv', ...rest });
  return client.agent
    .post(`/api/candles/import?${query}`)
    .set('X-CSRF-Token', client.token)
    .set('Content-Type', rest.format === 'json' ? 'application/json' : 'text/csv')
    .send(body);
}

/** `n` good 1h candles from `start`, as CSV lines. */
const hours = (n: number, start = JAN_1) =>
  Array.from({ length: n }, (_, k) => `${new Date(start + k * HOUR).toISOString()},100,110,90,105,1.5\n`).join('');

const problemsOf = (res: { body: { error: { message: string } } }) => res.body.error.message.split('\n');

async function storedUnder(name: string) {
  const rows = await app
    .db('candles as c')
    .join('candle_sources as s', 's.candle_key', 'c.source')
    .where('s.name', name);
  return rows.length;
}

it('answers a 15 MB file of bad lines with its first 100 problems and a count, never holding the event loop', async () => {
  const client = await signedInClient(app);
  const bad = 'pas,une,bougie,du,tout,!\n';
  const lines = Math.ceil(15e6 / bad.length);
  const body = Buffer.from(HEADER + bad.repeat(lines));
  // The first import builds the exchange catalog (the source name must not be an exchange's): not measured here.
  expect((await upload(client, HEADER + hours(1))).status).toBe(201);
  const lag = monitorEventLoopDelay({ resolution: 10 });
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const probe = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
  lag.enable();
  const res = await upload(client, body);
  lag.disable();
  clearInterval(probe);

  expect(res.status).toBe(400);
  expect(res.body.error).toMatchObject({ code: 'CANDLES_INVALID', field: 'data' });
  const problems = problemsOf(res);
  expect(problems).toHaveLength(101);
  expect(problems[0]).toBe(
    'Fichier : ligne 2 : date illisible « pas » (date ISO ou époque en secondes ou millisecondes attendue)',
  );
  expect(problems[99]).toMatch(/^ligne 101 : /);
  expect(problems[100]).toBe(`… et ${(lines - 100).toLocaleString('fr-FR')} autres lignes invalides`);
  // Before: one message per line (2.3 GB) and 4–8 s in one go.
  expect(lag.max / 1e6).toBeLessThan(100);
  expect(rssPeak - rssBefore).toBeLessThan(100 * 1024 * 1024);
}, 120_000);

it('keeps nothing when a line is bad, even after thousands of good ones were read', async () => {
  const client = await signedInClient(app);
  const source = uniqueName('imp');
  const res = await upload(client, HEADER + hours(5000) + '2024-12-01T00:00:00Z,1,2,3,4,5\n', { source });
  expect(res.status).toBe(400);
  expect(problemsOf(res)).toEqual(['Fichier : ligne 5002 : high/low incohérents avec open/close']);
  expect(await storedUnder(source)).toBe(0);
  expect(await app.db('candle_sources').where({ name: source })).toHaveLength(0);
});

it('refuses numbers past numeric(36,18) and dates past year 9999 by line, with a 400 rather than a 500', async () => {
  const client = await signedInClient(app);
  const csv =
    HEADER +
    '2024-01-01T00:00:00Z,100,1e25,90,105,1\n' +
    `2024-01-01T01:00:00Z,100,110,90,105,${'9'.repeat(19)}\n` +
    '99999999999999999,100,110,90,105,1\n' +
    '10000-01-01T00:00:00Z,100,110,90,105,1\n';
  const res = await upload(client, csv);
  expect(res.status).toBe(400);
  expect(problemsOf(res)).toEqual([
    'Fichier : ligne 2 : high : nombre trop grand « 1e25 » (moins de 10^18 attendu)',
    `ligne 3 : volume : nombre trop grand « ${'9'.repeat(19)} » (moins de 10^18 attendu)`,
    "ligne 4 : date hors limites (après l'an 9999) « 99999999999999999 »",
    'ligne 5 : date illisible « 10000-01-01T00:00:00Z » (date ISO ou époque en secondes ou millisecondes attendue)',
  ]);
  const json = await upload(client, JSON.stringify([[JAN_1, 1e300, 1e300, 1, 1, 1]]), { format: 'json' });
  expect(json.status).toBe(400);
  expect(problemsOf(json)[0]).toMatch(/^Fichier : bougie 1 \(ligne 1\) : open : nombre trop grand/);
});

it('answers hostile files with a 400 in the API shape and writes nothing', async () => {
  const client = await signedInClient(app);
  const source = uniqueName('imp');
  const files = ['\u0000\u0001', '['.repeat(100_000), ']'.repeat(10), '"'.repeat(7), '{"a":', '[[1e400]]', '\ufeff'];
  for (const format of ['csv', 'json'] as const) {
    for (const file of files) {
      const res = await upload(client, file, { source, format });
      expect([res.status, res.body.error?.code, file.slice(0, 10)]).toEqual([
        400,
        'CANDLES_INVALID',
        file.slice(0, 10),
      ]);
    }
  }
  expect(await app.db('candle_sources').where({ name: source })).toHaveLength(0);
});

it('takes epoch seconds and milliseconds, told apart by magnitude', async () => {
  const client = await signedInClient(app);
  const seconds = JAN_1 / 1000;
  const res = await upload(client, `${HEADER}${seconds},100,110,90,105,1\n${JAN_1 + HOUR},100,110,90,105,1\n`);
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({
    received: 2,
    stored: 2,
    first: '2024-01-01T00:00:00.000Z',
    last: '2024-01-01T01:00:00.000Z',
  });
});

it('reads quoted fields, a BOM, `;` separators with decimal commas, and freqtrade CSV headers', async () => {
  const client = await signedInClient(app);
  const source = uniqueName('imp');
  const csv = '\ufeff"Time";"Open";"High";"Low";"Close";"Volume"\r\n"2024-01-01 00:00";"100,5";110;"90";105;"1,25"\r\n';
  const res = await upload(client, csv, { source });
  expect(res.status).toBe(201);
  const [row] = await app
    .db('candles as c')
    .join('candle_sources as s', 's.candle_key', 'c.source')
    .where('s.name', source)
    .select('c.open', 'c.volume', 'c.open_time');
  expect([Number(row.open), Number(row.volume), row.open_time.toISOString()]).toEqual([
    100.5,
    1.25,
    '2024-01-01T00:00:00.000Z',
  ]);

  const freqtrade =
    'open_time_ms,open_time_utc,open,high,low,close,volume\n1637110800000,2021-11-17T01:00:00Z,1.08,1.09,1.07,1.079,31\n';
  expect((await upload(client, freqtrade)).status).toBe(201);
});

it('refuses candles that are not on the timeframe: 1m candles in a 1h import, a 1h candle at 00:30', async () => {
  const client = await signedInClient(app);
  const minutes = `${HEADER}2024-01-01T00:00:00Z,1,2,1,1,1\n2024-01-01T00:01:00Z,1,2,1,1,1\n2024-01-01T00:30:00Z,1,2,1,1,1\n`;
  const res = await upload(client, minutes);
  expect(res.status).toBe(400);
  expect(problemsOf(res)).toEqual([
    "Fichier : ligne 3 : 2024-01-01T00:01:00.000Z n'est pas l'ouverture d'une bougie 1h (UTC) ; écart de 1m avec la bougie précédente",
    "ligne 4 : 2024-01-01T00:30:00.000Z n'est pas l'ouverture d'une bougie 1h (UTC) ; écart de 29 min avec la bougie précédente",
  ]);
  const daily = await upload(client, `${HEADER}2024-01-01T00:00:00+01:00,1,2,1,1,1\n`, { timeframe: '1d' });
  expect(problemsOf(daily)[0]).toMatch(/ligne 2 : 2023-12-31T23:00:00.000Z n'est pas l'ouverture d'une bougie 1d/);
});

it('refuses impossible dates instead of rolling them into the next month', async () => {
  const client = await signedInClient(app);
  const res = await upload(
    client,
    `${HEADER}2024-02-30,1,2,1,1,1\n2023-02-29T00:00:00Z,1,2,1,1,1\n2024-02-29,1,2,1,1,1\n`,
    {
      timeframe: '1d',
    },
  );
  expect(res.status).toBe(400);
  expect(problemsOf(res)).toEqual([
    'Fichier : ligne 2 : date impossible « 2024-02-30 »',
    'ligne 3 : date impossible « 2023-02-29T00:00:00Z »',
  ]);
});

it('reports every problem in file order, duplicate dates included', async () => {
  const client = await signedInClient(app);
  const csv = `${HEADER}${hours(2)}2024-01-01T00:00:00Z,100,110,90,105,1\nx,1,2,1,1,1\n`;
  const res = await upload(client, csv);
  expect(problemsOf(res)).toEqual([
    'Fichier : ligne 4 : date en double (déjà ligne 2)',
    'ligne 5 : date illisible « x » (date ISO ou époque en secondes ou millisecondes attendue)',
  ]);
});

it('names freqtrade JSON candles by rank and by the line they start on', async () => {
  const client = await signedInClient(app);
  const pretty = JSON.stringify(
    [
      [JAN_1, 1, 2, 1, 1, 1],
      [JAN_1 + HOUR, 1, 0.5, 1, 1, 1],
      [JAN_1, 1, 2, 1, 1, 1],
    ],
    null,
    2,
  );
  const res = await upload(client, pretty, { format: 'json' });
  expect(problemsOf(res)).toEqual([
    'Fichier : bougie 2 (ligne 10) : high/low incohérents avec open/close',
    'bougie 3 (ligne 18) : date en double (déjà bougie 1)',
  ]);
  const oneLine = await upload(client, JSON.stringify([[JAN_1 / 1000, 1, 2, 1, 1, 1]]), { format: 'json' });
  expect(oneLine.body).toMatchObject({ received: 1, first: '2024-01-01T00:00:00.000Z' });
});

it('keeps an import to its importer: listed and written by them alone, even under the same name', async () => {
  const alice = await signedInClient(app);
  const bob = await signedInClient(app);
  const name = `mes-données-${uniqueName('')}`;
  expect((await upload(alice, HEADER + hours(3), { source: name })).body).toMatchObject({ stored: 3 });
  expect((await upload(bob, HEADER + hours(2, JAN_1 + 10 * HOUR), { source: name })).body).toMatchObject({ stored: 2 });
  // A second import into one's own source adds to it: only the candles not there yet are new.
  expect((await upload(alice, HEADER + hours(4), { source: name })).body).toMatchObject({ received: 4, stored: 1 });

  const listed = async (client: Client) =>
    (
      (await client.get('/api/candles/sources').expect(200)).body as { source: string; kind: string; count: number }[]
    ).filter((s) => s.source === name);
  expect(await listed(alice)).toEqual([
    expect.objectContaining({ kind: 'import', count: 4, first: '2024-01-01T00:00:00.000Z' }),
  ]);
  expect(await listed(bob)).toEqual([
    expect.objectContaining({ kind: 'import', count: 2, first: '2024-01-01T10:00:00.000Z' }),
  ]);
  const keys = await app.db('candle_sources').where({ name }).pluck('candle_key');
  expect(new Set(keys).size).toBe(2);
  expect(keys.every((k: string) => k.startsWith('import:'))).toBe(true);

  const carol = await signedInClient(app);
  expect(await listed(carol)).toEqual([]);
});

it('lists exchange candles to everyone', async () => {
  const symbol = `${uniqueName('X').toUpperCase()}/USDT`;
  await app.db('candles').insert({
    source: 'binance',
    symbol,
    timeframe: '1h',
    open_time: new Date(JAN_1),
    close_time: new Date(JAN_1 + HOUR),
    open: '1',
    high: '1',
    low: '1',
    close: '1',
    volume: '1',
  });
  for (const client of [await signedInClient(app), await signedInClient(app)]) {
    const sources = (await client.get('/api/candles/sources').expect(200)).body as {
      source: string;
      symbol: string;
      kind: string;
    }[];
    expect(sources.find((s) => s.symbol === symbol)).toMatchObject({ source: 'binance', kind: 'exchange' });
  }
});

async function strategyOf(client: Client): Promise<number> {
  const code = 'class S extends Strategy { shouldLong() { return false; } shouldShort() { return false; } }';
  const res = await client.send('post', '/api/strategies', { name: uniqueName('s'), timeframe: '1h', code });
  expect(res.status).toBe(201);
  return res.body.id;
}

const backtest = (client: Client, strategyId: number, source: string) =>
  client.send('post', '/api/backtests', {
    strategyId,
    source,
    symbol: 'BTC/USDT',
    timeframe: '1h',
    from: '2024-01-01',
    to: '2024-01-02',
    initialAmount: '1000',
  });

it("refuses a backtest on another user's import exactly like an unknown source", async () => {
  const alice = await signedInClient(app);
  const bob = await signedInClient(app);
  const name = uniqueName('imp');
  expect((await upload(alice, HEADER + hours(3), { source: name })).status).toBe(201);
  expect((await backtest(alice, await strategyOf(alice), name)).status).toBe(201);

  const bobs = await strategyOf(bob);
  const theirs = await backtest(bob, bobs, name);
  const unknown = await backtest(bob, bobs, uniqueName('nope'));
  expect(theirs.status).toBe(400);
  expect(theirs.body).toEqual({
    error: { code: 'VALIDATION_ERROR', message: 'Source : introuvable', field: 'source' },
  });
  expect(unknown.body).toEqual(theirs.body);
  expect((await backtest(bob, bobs, 'binance')).status).toBe(201);
});

it('keeps sources imported before owners readable by all and written by none', async () => {
  const name = uniqueName('legacy');
  await app.db('candle_sources').insert({ user_id: null, name, candle_key: name });
  await app.db('candles').insert({
    source: name,
    symbol: 'BTC/USDT',
    timeframe: '1h',
    open_time: new Date(JAN_1),
    close_time: new Date(JAN_1 + HOUR),
    ...{ open: '1', high: '1', low: '1', close: '1', volume: '1' },
  });
  const alice = await signedInClient(app);
  const bob = await signedInClient(app);
  const kindsOf = async (client: Client) =>
    ((await client.get('/api/candles/sources').expect(200)).body as { source: string; kind: string }[])
      .filter((s) => s.source === name)
      .map((s) => s.kind);
  expect(await kindsOf(alice)).toEqual(['legacy']);
  expect((await backtest(bob, await strategyOf(bob), name)).status).toBe(201);

  // Importing under that name makes the user's own source; the legacy rows are untouched and still everyone's.
  expect((await upload(alice, HEADER + hours(2, JAN_1 + HOUR), { source: name })).body).toMatchObject({ stored: 2 });
  expect(await app.db('candles').where({ source: name })).toHaveLength(1);
  expect(await kindsOf(alice)).toEqual(['import']);
  expect(await kindsOf(bob)).toEqual(['legacy']);
});

it('migration 007 turns every non-exchange source into a legacy source', async () => {
  const { down, up } = await import('../../core/db/migrations/007-candle-source-owners');
  const name = uniqueName('old');
  const rollback = new Error('rollback');
  await expect(
    app.db.transaction(async (trx) => {
      await down(trx);
      const candle = {
        symbol: 'BTC/USDT',
        timeframe: '1h',
        open_time: new Date(JAN_1),
        close_time: new Date(JAN_1 + HOUR),
      };
      const prices = { open: '1', high: '1', low: '1', close: '1', volume: '1' };
      await trx('candles').insert([name, 'binance', 'kraken'].map((source) => ({ source, ...candle, ...prices })));
      await up(trx);
      const rows = await trx('candle_sources').whereIn('name', [name, 'binance', 'kraken']);
      expect(rows).toEqual([expect.objectContaining({ name, user_id: null, candle_key: name })]);
      throw rollback;
    }),
  ).rejects.toBe(rollback);
});
