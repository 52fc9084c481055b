import { FakeBinanceRest } from '../fakes/binance-rest';
import { signedInClient, startTestApp, type Client, type TestApp } from './app';
import { startBrokerWorkers } from './brokers';

export const KEY = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A';
export const SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';

/** A fake Binance holding one account (KEY/SECRET) with these balances. */
export function fundedFakeBinance(balances: { asset: string; free: string; locked?: string }[]): FakeBinanceRest {
  const fake = new FakeBinanceRest();
  fake.addAccount({
    apiKey: KEY,
    secret: SECRET,
    balances: balances.map((b) => ({ asset: b.asset, free: b.free, locked: b.locked ?? '0.00000000' })),
  });
  return fake;
}

/**
 * A fake Binance with one funded account and real-looking prices, the app pointed at it (for `binance` brokers and
 * as the paper exchange's price source), and the broker and markets actors running.
 */
export async function startTradingStack(env: Record<string, string> = {}, withWorkers = true) {
  const fake = fundedFakeBinance([
    { asset: 'BTC', free: '0.50000000' },
    { asset: 'USDT', free: '20000.00000000' },
  ]);
  fake.setPrice('BTCUSDT', '26000.00000000');
  fake.setPrice('ETHUSDT', '1600.00000000');
  fake.setPrice('BNBUSDT', '210.00000000');
  const url = await fake.listen();
  const app: TestApp = await startTestApp({
    // binanceus speaks the same protocol: an exchange the heartbeat does not stream, for the live tests that need one.
    EXCHANGE_API_OVERRIDES: JSON.stringify({ binance: url, binanceus: url }),
    PAPER_PRICE_SOURCE: 'binance',
    PAPER_SLIPPAGE: '0.001',
    ...env,
  });
  const workers = withWorkers ? await startBrokerWorkers(app) : undefined;
  return {
    fake,
    app,
    url,
    close: async () => {
      await workers?.close();
      await app.close();
      await fake.close();
    },
  };
}

/** A signed-in user with a Binance broker on the fake account; returns its id. */
export async function binanceBroker(client: Client, name = 'Binance'): Promise<number> {
  const res = await client.send('post', '/api/brokers', {
    name,
    exchange: 'binance',
    credentials: { apiKey: KEY, secret: SECRET },
  });
  if (res.status !== 201) throw new Error(`broker refused: ${JSON.stringify(res.body)}`);
  return res.body.broker.id;
}

/** Sends an order as the Trading manuel page does: a market buy of 0.001 BTC/USDT unless `fields` say otherwise. */
export function sendOrder(client: Client, brokerId: number, fields: Record<string, unknown> = {}) {
  return client.send('post', '/api/trading/orders', {
    brokerId,
    symbol: 'BTC/USDT',
    side: 'buy',
    type: 'market',
    amount: '0.001',
    ...fields,
  });
}

export async function paperBrokerOf(client: Client): Promise<number> {
  const list = (await client.get('/api/brokers').expect(200)).body as { id: number; exchange: string }[];
  return list.find((b) => b.exchange === 'paper')!.id;
}

/**
 * The most arrival times (ms, sorted) within any `windowMs`, less `jitterMs`: requests sent a window apart arrive
 * closer or further apart on a loaded machine (this process's event loop carries the fake exchange too; CI has seen
 * arrivals bunch by more than 40 ms). Unpaced, every request would land in the same few milliseconds.
 */
export function mostInWindow(times: number[], windowMs: number, jitterMs = 100): number {
  let most = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j]! - times[i]! >= windowMs - jitterMs) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

export { signedInClient };
