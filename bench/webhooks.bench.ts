// TradingView webhooks, end to end over HTTP: the endpoint in its own web process, the webhook and broker actors in a
// worker process, ccxt's real `binance` class against the fake Binance.
// 1. Open loop: BENCH_WEBHOOK_RATE requests/s (default 1000) for BENCH_WEBHOOK_SECONDS (default 10) spread over 20
//    sources, each request timed from when it was due (a late send counts against the server, as TradingView's own
//    3 s would). The worker is SIGKILLed halfway and started again 1 s later. Then every accepted request must have
//    its row, and every row must leave `received` (processed or refused by the restarted worker): `webhook_lost`.
//    The bodies are `close` signals of sources with nothing open, refused by the actor without an exchange call, so
//    that the figure is the endpoint's and the actor's, not the exchange's.
// 2. Accepted → order: BENCH_WEBHOOK_ORDERS (default 200) alternating buy/close alerts, one every 100 ms, each timed
//    from the endpoint's answer to the order's arrival at the fake exchange.
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import path from 'node:path';
import { clientOrderId } from '../core/trading/client-order-id';
import { orderKeys } from '../queues/jobs';
import { fundedFakeBinance, KEY, SECRET } from '../test/helpers/trading';
import { until } from '../test/helpers/wait';
import { percentile, report, save } from './harness';
import { startBenchWeb } from './web';

const RATE = Number(process.env.BENCH_WEBHOOK_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 10);
const ORDERS = Number(process.env.BENCH_WEBHOOK_ORDERS ?? 200);
const SOURCES = 20;
const ROOT = path.join(__dirname, '..');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function startProcess(entry: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, entry)], {
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

/** POSTs a body as TradingView does; resolves with the answer and when it came (performance.now()). */
function post(agent: Agent, url: string, body: string): Promise<{ status: number; id?: number; at: number }> {
  return new Promise((resolve) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const at = performance.now();
          let id: number | undefined;
          try {
            id = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: number }).id;
          } catch {
            id = undefined;
          }
          resolve({ status: res.statusCode ?? 0, id, at });
        });
      },
    );
    req.on('error', () => resolve({ status: 0, at: performance.now() }));
    req.end(body);
  });
}

async function main(): Promise<void> {
  const fake = fundedFakeBinance([
    { asset: 'BTC', free: '100.00000000' },
    { asset: 'USDT', free: '10000000.00000000' },
  ]);
  fake.setPrice('BTCUSDT', '26000.00000000');
  const fakeUrl = await fake.listen();
  const overrides = { EXCHANGE_API_OVERRIDES: JSON.stringify({ binance: fakeUrl }) };
  const setup = await startBenchWeb('webhooks', overrides);
  const port = await freePort();
  const shared = { ...overrides, QUEUE_PREFIX: setup.config.QUEUE_PREFIX };
  const web = startProcess('http/main.ts', { ...shared, PORT: String(port), WEBHOOK_RATE_PER_MINUTE: '10000000' });
  let worker = startProcess('actors/worker.main.ts', shared);
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const base = `http://127.0.0.1:${port}`;
  try {
    const broker = await setup.call('POST', '/api/brokers', {
      name: 'bench webhooks',
      exchange: 'binance',
      credentials: { apiKey: KEY, secret: SECRET },
    });
    if (broker.status !== 201) throw new Error(`broker refused: ${JSON.stringify(broker.body)}`);
    const brokerId = (broker.body as { broker: { id: number } }).broker.id;
    await setup.call('POST', `/api/brokers/${brokerId}/markets`);
    await until(
      () =>
        setup
          .db('exchange_symbols')
          .where({ exchange: 'binance', symbol: 'BTC/USDT' })
          .whereNotNull('amount_precision')
          .first(),
      60_000,
    );
    const sources: string[] = [];
    for (let i = 0; i < SOURCES + 1; i++) {
      const res = await setup.call('POST', '/api/webhook-sources', {
        name: `bench ${i}`,
        brokerId,
        symbol: 'BTC/USDT',
        size: { quantity: '0.001' },
      });
      if (res.status !== 201) throw new Error(`source refused: ${JSON.stringify(res.body)}`);
      sources.push(new URL((res.body as { url: string }).url).pathname);
    }
    await until(
      () =>
        fetch(`${base}/api/health`).then(
          (r) => r.status < 500,
          () => false,
        ),
      60_000,
    );

    // 1. Open loop, the worker killed halfway.
    const total = RATE * SECONDS;
    const latencies: number[] = [];
    const accepted: number[] = [];
    let failures = 0;
    const inflight: Promise<void>[] = [];
    const started = performance.now();
    let sent = 0;
    let killed = false;
    let restarted: Promise<void> | undefined;
    while (sent < total) {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - started) / 1000) * RATE) + 1);
      for (; sent < due; sent++) {
        const scheduled = started + (sent / RATE) * 1000;
        const body = JSON.stringify({ action: 'close', id: `load-${process.pid}-${sent}` });
        inflight.push(
          post(agent, `${base}${sources[sent % SOURCES]}`, body).then((res) => {
            latencies.push(res.at - scheduled);
            if (res.status === 200 && res.id !== undefined) accepted.push(res.id);
            else failures++;
          }),
        );
      }
      if (!killed && now - started > (SECONDS * 1000) / 2) {
        killed = true;
        const dying = worker;
        restarted = stop(dying, 'SIGKILL').then(
          () =>
            new Promise<void>((resolve) =>
              setTimeout(() => {
                worker = startProcess('actors/worker.main.ts', shared);
                resolve();
              }, 1000),
            ),
        );
      }
      // A timer, not setImmediate: spinning would take a core from the processes measured.
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await Promise.all(inflight);
    const elapsed = (performance.now() - started) / 1000;
    await restarted;
    latencies.sort((a, b) => a - b);
    const stored = new Set<number>(
      (await setup.db('webhooks').whereIn('id', accepted).pluck('id')).map((id: string | number) => Number(id)),
    );
    const missing = accepted.filter((id) => !stored.has(id)).length;
    // The restarted worker takes the killed one's jobs over (stalled) and its sweep the rows never queued.
    const drainStarted = Date.now();
    let stuck = accepted.length;
    while (Date.now() - drainStarted < 120_000) {
      const [{ count }] = await setup.db('webhooks').whereIn('id', accepted).where({ status: 'received' }).count();
      stuck = Number(count);
      if (!stuck) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const drained = (Date.now() - drainStarted) / 1000;
    const work = `${total} requests in ${elapsed.toFixed(1)} s open loop over ${SOURCES} sources, ${accepted.length} accepted, ${failures} not`;
    const results: Record<string, number> = {
      webhook_accept_p50_ms: percentile(latencies, 50),
      webhook_accept_p99_ms: percentile(latencies, 99),
      webhook_lost: missing + stuck + failures,
    };
    report('webhook_accept_p50_ms', results.webhook_accept_p50_ms, 'ms', work);
    report('webhook_accept_p99_ms', results.webhook_accept_p99_ms, 'ms', work);
    report(
      'webhook_lost',
      results.webhook_lost,
      '',
      `worker SIGKILLed halfway: ${missing} accepted without a row, ${stuck} left received ${drained.toFixed(0)} s after, ${failures} not accepted`,
    );

    // 2. Accepted → order at the exchange.
    const orderAt = new Map<string, number>();
    fake.onOrderAccepted = (order) => void orderAt.set(order.clientOrderId, performance.now());
    const expected: { key: string; at: number }[] = [];
    const orderSource = `${base}${sources[SOURCES]}`;
    for (let i = 0; i < ORDERS; i++) {
      const action = i % 2 ? 'close' : 'buy';
      const res = await post(agent, orderSource, JSON.stringify({ action, id: `order-${process.pid}-${i}` }));
      if (res.status !== 200 || res.id === undefined) throw new Error(`webhook refused: ${res.status}`);
      const leg = action === 'buy' ? 'entry' : 'close';
      expected.push({ key: clientOrderId(orderKeys.webhook(res.id, leg)), at: res.at });
      // The close must find the position open: the buy's order goes first.
      await until(async () => orderAt.has(expected.at(-1)!.key), 10_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const toOrder = expected.map((e) => orderAt.get(e.key)! - e.at).sort((a, b) => a - b);
    results.webhook_to_order_p99_ms = percentile(toOrder, 99);
    report(
      'webhook_to_order_p99_ms',
      results.webhook_to_order_p99_ms,
      'ms',
      `${ORDERS} alerts (buy, close) one after another, p50 ${percentile(toOrder, 50).toFixed(1)} ms`,
    );
    save(results);
  } finally {
    agent.destroy();
    await stop(worker, 'SIGTERM');
    await stop(web, 'SIGTERM');
    await setup.close();
    await fake.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
