// Every write route of the API (POST, PUT, PATCH), as the Express routers of `apiAreas` list them, so a route added
// later is fuzzed too: hostile bodies (wrong types, missing and extra fields, numbers no column holds, 100 kB and NUL
// strings, arrays and objects where scalars go, malformed JSON, wrong content types) never answer 5xx, every 4xx
// has the API's error shape, and nothing is written. The generator has a fixed seed: a failure names the route and
// the body, and the same run reproduces it.
import { EXAMPLE_STRATEGY } from '../../core/sandbox/templates';
import { apiAreas } from '../../http/app';
import { signedInClient, uniqueName, type Client } from '../helpers/app';
import { countOwnedRows } from '../helpers/tenancy';
import { paperBrokerOf, startTradingStack } from '../helpers/trading';
import { backtestBody } from '../helpers/backtests';
import { activate, activationBody, listMarket } from '../helpers/activations';

const SEED = 20261201;
const RANDOM_BODIES = 20;

/** mulberry32: a small deterministic generator. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] };
}

/** JSON text written as is, for what JSON.stringify cannot say (1e400, -0, 40 digits). */
class Raw {
  constructor(readonly text: string) {}
}

function toJson(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const deep = (depth: number): unknown => (depth ? [deep(depth - 1)] : 1);
/** Values that no field of the API takes: each is wrong wherever it goes (no text field takes blank or 100 kB). */
const BAD_VALUES: unknown[] = [
  null,
  true,
  false,
  new Raw('1e400'),
  new Raw('-1e400'),
  new Raw('-0'),
  new Raw('1e-30'),
  new Raw('1234567890123456789012345678901234567890'),
  new Raw('0.1234567890123456789012345678901234567890'),
  new Raw('-9223372036854775809'),
  '',
  '   ',
  'x'.repeat(100 * 1024),
  'a\u0000b',
  '\u0000',
  [],
  [1, 2],
  ['a\u0000'],
  {},
  { a: 1 },
  { '\u0000': 'x' },
  deep(200),
];
/** Where a number goes as a string (amounts, ids, dates): what no numeric(36,18), bigint or timestamp holds. */
const BAD_NUMBER_TEXTS = [
  '1e400',
  'NaN',
  'Infinity',
  '-0.5',
  '9'.repeat(40),
  '0.' + '1'.repeat(40),
  '-' + '9'.repeat(40),
  '9'.repeat(100 * 1024),
  '0001-01-01',
  '9999-12-31',
  '2024-13-45',
];
const numberLike = (value: unknown) => typeof value === 'number' || /^\d/.test(String(value));
/** Field names the API's bodies use, and some no body uses. */
const FIELDS = [
  ...['name', 'code', 'timeframe', 'description', 'exchange', 'credentials', 'isTestnet', 'isDefault', 'isActive'],
  ...['strategyId', 'brokerId', 'source', 'symbol', 'from', 'to', 'initialAmount', 'fee', 'slippage', 'fill'],
  ...['market', 'side', 'type', 'amount', 'quoteAmount', 'price', 'requestId', 'username', 'password'],
  ...['currentPassword', 'newPassword', 'theme', 'displayTimezone', 'language', 'provider', 'model', 'apiKey'],
  ...['baseUrl', 'prompt', 'active', 'format', 'data', 'limit', 'id', 'userId', 'zzz', '__proto__', 'constructor'],
];

/**
 * A body each known route would take, all of its fields required: one field made bad, dropped or joined by a
 * stranger leaves a body that must be refused, but gets past the checks of the other fields.
 */
function knownBodies(ids: RowIds): Record<string, Record<string, unknown>> {
  const strategy = { name: uniqueName('fz'), timeframe: '1h', code: EXAMPLE_STRATEGY };
  const backtest = backtestBody(ids.strategy);
  return {
    'POST /api/auth/register': { username: uniqueName('fz'), password: 'password-123' },
    'POST /api/auth/login': { username: uniqueName('fz'), password: 'password-123' },
    'POST /api/auth/password': { currentPassword: 'password-123', newPassword: 'password-456' },
    'POST /api/strategies': strategy,
    'PUT /api/strategies/:id': strategy,
    'POST /api/strategies/validate': { code: EXAMPLE_STRATEGY },
    'POST /api/backtests': backtest,
    'POST /api/brokers': { name: uniqueName('fz'), exchange: 'paper' },
    'POST /api/trading/orders': { symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: '0.001' },
    'POST /api/active-strategies': activationBody(ids.strategy, ids.broker),
    'POST /api/candles/import': { source: 'fuzz', symbol: 'BTC/USDT', timeframe: '1h', format: 'csv', data: 'x' },
  };
}

interface RowIds {
  strategy: number;
  broker: number;
  backtest: number;
  activation: number;
}

/** Every write route of every area, as `METHOD /full/path`. */
function writeRoutes(): { method: 'post' | 'put' | 'patch'; path: string }[] {
  const areas = apiAreas({
    config: stack.app.config,
    db: stack.app.db,
    redis: stack.app.redis,
    logger: {} as never,
    publisher: stack.app.publisher,
  });
  const routes: { method: 'post' | 'put' | 'patch'; path: string }[] = [];
  for (const area of areas) {
    for (const layer of area.router.stack as { route?: { path: string; methods: Record<string, boolean> } }[]) {
      if (!layer.route) continue;
      for (const method of ['post', 'put', 'patch'] as const) {
        const path = `${area.path}${layer.route.path === '/' ? '' : layer.route.path}`;
        if (layer.route.methods[method] && !routes.some((r) => r.method === method && r.path === path)) {
          routes.push({ method, path });
        }
      }
    }
  }
  return routes;
}

/** The user's own row for each area's `:id`, so that the body is checked rather than the id refused. */
function urlOf(path: string, ids: RowIds): string {
  const id = path.startsWith('/api/strategies')
    ? ids.strategy
    : path.startsWith('/api/brokers')
      ? ids.broker
      : path.startsWith('/api/backtests')
        ? ids.backtest
        : path.startsWith('/api/active-strategies')
          ? ids.activation
          : 1;
  return path.replace(/:\w+/g, String(id));
}

/** The bodies sent to one route; `refused` ones must get a 4xx (random ones may be taken by a route that ignores them). */
function bodiesFor(
  route: string,
  ids: RowIds,
  random: ReturnType<typeof generator>,
): { body: string; refused: boolean }[] {
  const bodies: { body: string; refused: boolean }[] = [];
  const known = knownBodies(ids)[route];
  if (known) {
    for (const field of Object.keys(known)) {
      const { [field]: _dropped, ...rest } = known;
      bodies.push({ body: toJson(rest), refused: true });
      const values = numberLike(known[field]) ? [...BAD_VALUES, ...BAD_NUMBER_TEXTS] : BAD_VALUES;
      for (const value of values) bodies.push({ body: toJson({ ...known, [field]: value }), refused: true });
      const stranger = { [random.pick(FIELDS)]: random.pick(BAD_VALUES), [field]: random.pick(BAD_VALUES) };
      bodies.push({ body: toJson({ ...known, ...stranger }), refused: true });
    }
  }
  for (let i = 0; i < RANDOM_BODIES; i++) {
    const body: Record<string, unknown> = {};
    const count = 1 + Math.floor(random.next() * 5);
    for (let f = 0; f < count; f++) body[random.pick(FIELDS)] = random.pick(BAD_VALUES);
    bodies.push({ body: toJson(body), refused: false });
  }
  for (const body of ['[]', '"text"', '12', 'null', '[1e400]', '['.repeat(5000) + ']'.repeat(5000)]) {
    bodies.push({ body, refused: false });
  }
  return bodies;
}

/** Bodies no JSON parser takes, and bodies sent as what they are not. */
const MALFORMED: { type: string; body: string; encoding?: string }[] = [
  { type: 'application/json', body: '{"name":' },
  { type: 'application/json', body: '{"a":1}}' },
  { type: 'application/json', body: "{'name': 'x'}" },
  { type: 'application/json', body: '\u0000' },
  { type: 'application/json', body: '['.repeat(100_000) },
  { type: 'application/json; charset=latin1', body: '{"name":"x"}' },
  { type: 'application/json', body: '{"name":"x"}', encoding: 'gzip' },
  { type: 'application/json', body: '{"name":"x"}', encoding: 'compress' },
  { type: 'text/plain', body: '{"name":"x"}' },
  { type: 'application/x-www-form-urlencoded', body: 'name=x&brokerId=1' },
  { type: 'application/octet-stream', body: '\u0000\u0001' },
];

let stack: Awaited<ReturnType<typeof startTradingStack>>;
beforeAll(async () => {
  stack = await startTradingStack({ REGISTER_MAX_PER_HOUR: '10000', LOGIN_MAX_ATTEMPTS: '100000' });
});
afterAll(() => stack.close());

async function userWithRows(): Promise<{ client: Client; ids: RowIds }> {
  const client = await signedInClient(stack.app);
  const strategy = await client.send('post', '/api/strategies', {
    name: uniqueName('fz'),
    timeframe: '1h',
    code: EXAMPLE_STRATEGY,
  });
  const ids = { strategy: strategy.body.id, broker: await paperBrokerOf(client), backtest: 0, activation: 0 };
  const backtest = await client.send('post', '/api/backtests', knownBodies(ids)['POST /api/backtests']);
  expect([strategy.status, backtest.status]).toEqual([201, 201]);
  await listMarket(stack.app.db, stack.app.config.PAPER_PRICE_SOURCE, 'BTC/USDT');
  return { client, ids: { ...ids, backtest: backtest.body.id, activation: await activate(client) } };
}

it('finds the write routes of every area', () => {
  const routes = writeRoutes().map((r) => `${r.method.toUpperCase()} ${r.path}`);
  expect(routes).toEqual(
    expect.arrayContaining(['POST /api/candles/import', 'POST /api/auth/login', 'POST /api/backtests']),
  );
});

it('answers every hostile body of every write route with a 4xx in the API shape, and writes nothing', async () => {
  const random = generator(SEED);
  const failures: string[] = [];
  let user = await userWithRows();
  for (const route of writeRoutes()) {
    const name = `${route.method.toUpperCase()} ${route.path}`;
    const { client, ids } = user;
    const url = urlOf(route.path, ids);
    const before = await countOwnedRows(stack.app.db);
    const sends = [
      ...bodiesFor(name, ids, random).map((b) => ({ ...b, type: 'application/json', encoding: undefined })),
      ...MALFORMED.map((m) => ({ ...m, refused: false })),
    ];
    for (const { type, body, encoding, refused } of sends) {
      const req = client.agent[route.method](url).set('X-CSRF-Token', client.token).set('Content-Type', type);
      if (encoding) req.set('Content-Encoding', encoding);
      const res = await req.send(body);
      const shaped =
        res.status < 400 || (typeof res.body?.error?.code === 'string' && typeof res.body?.error?.message === 'string');
      if (res.status >= 500 || !shaped || (refused && res.status < 400)) {
        failures.push(
          `${name} ${type} ${body.slice(0, 150)} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`,
        );
      }
    }
    const after = await countOwnedRows(stack.app.db);
    if (JSON.stringify(after) !== JSON.stringify(before)) {
      failures.push(`${name} wrote rows: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
    }
    // Signed out (POST /api/auth/logout): the next routes get a user of their own.
    if ((await client.get('/api/auth/me')).status === 401) user = await userWithRows();
  }
  expect(failures).toEqual([]);
}, 120_000);
