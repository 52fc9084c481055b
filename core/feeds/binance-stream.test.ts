// The websocket client against a local server speaking Binance's combined-stream protocol: pongs, reconnects
// after a drop, after a silent connection and on demand, with a bounded, jittered backoff.
import { ManualClock } from '../../test/helpers/manual-clock';
import { FakeBinance } from '../../test/fakes/binance-server';
import { backoffDelay, BinanceStream, combinedStreamUrl } from './binance-stream';

async function until(probe: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('BinanceStream', () => {
  let fake: FakeBinance;
  let wsUrl: string;
  let stream: BinanceStream | undefined;
  const events: string[] = [];
  const messages: string[] = [];

  beforeEach(async () => {
    fake = new FakeBinance(new ManualClock(0));
    ({ wsUrl } = await fake.listen());
    events.length = 0;
    messages.length = 0;
  });
  afterEach(async () => {
    await stream?.stop();
    await fake.close();
  });

  const open = (idleTimeoutMs = 10_000) => {
    stream = new BinanceStream(
      { url: wsUrl, symbols: ['BTCUSDT', 'ETHBTC'], stream: 'trade', idleTimeoutMs, backoffBaseMs: 20 },
      {
        onOpen: () => events.push('open'),
        onMessage: (raw) => messages.push(raw),
        onClose: (reason) => events.push(`close ${reason}`),
      },
    );
    stream.start();
  };

  it('subscribes through the combined-stream URL and answers pings', async () => {
    open();
    await until(() => events.includes('open'));
    expect(fake.subscriptions[0]).toEqual(['btcusdt@trade', 'ethbtc@trade']);
    fake.ping();
    fake.ping();
    await until(() => fake.pongs === 2);
    fake.sendRaw('{"result":null,"id":1}');
    await until(() => messages.length === 1);
  });

  it('reconnects after a dropped connection', async () => {
    open();
    await until(() => events.includes('open'));
    fake.drop();
    await until(() => events.filter((e) => e === 'open').length === 2);
    expect(events[1]).toMatch(/^close fermeture 1006/);
    expect(fake.subscriptions).toHaveLength(2);
  });

  it('keeps retrying while the server refuses, then connects', async () => {
    fake.refuse = true;
    open();
    await until(() => events.filter((e) => e.startsWith('close')).length >= 3);
    fake.refuse = false;
    await until(() => events.includes('open'));
  });

  it('drops a silent connection and opens a new one', async () => {
    open(300);
    await until(() => events.includes('open'));
    await until(() => events.filter((e) => e === 'open').length === 2, 3_000);
    expect(events).toContainEqual(expect.stringMatching(/^close aucun message depuis/));
  });

  it('reconnects at once on demand (serverShutdown)', async () => {
    open();
    await until(() => events.includes('open'));
    stream!.reconnectNow('serverShutdown');
    await until(() => events.filter((e) => e === 'open').length === 2);
    expect(events).toContain('close serverShutdown');
  });
});

describe('backoff', () => {
  it('grows exponentially, is capped, and is jittered', () => {
    expect(backoffDelay(0, 500, 30_000, () => 0.999)).toBe(499);
    expect(backoffDelay(3, 500, 30_000, () => 0.999)).toBe(3_996);
    expect(backoffDelay(20, 500, 30_000, () => 0.999)).toBe(29_970);
    expect(backoffDelay(5, 500, 30_000, () => 0)).toBe(0);
  });

  it('builds Binance combined-stream URLs', () => {
    expect(combinedStreamUrl('wss://stream.binance.com:9443/', ['BTCUSDT'], 'trade')).toBe(
      'wss://stream.binance.com:9443/stream?streams=btcusdt@trade',
    );
  });
});
