// The exchange's pace across processes, against the real Redis: at most ccxt's rate in any window of about a second, the
// requests of a window leaving at once, and a reservation counted from when its request leaves.
import { loadConfig } from '../../core/config';
import { RequestPacer, paceWindow } from '../../core/exchanges/request-pacer';
import { createRedis, type Redis } from '../../core/redis';

describe('request pacer', () => {
  const config = loadConfig(process.env);
  let redis: Redis;
  let other: Redis;
  const prefix = `pacer-test-${process.pid}`;
  let n = 0;
  const key = () => `account-${++n}`;
  beforeAll(() => {
    redis = createRedis(config.REDIS_URL);
    other = createRedis(config.REDIS_URL);
  });
  afterAll(async () => {
    await redis.quit();
    await other.quit();
  });

  /** When each of `count` requests may leave, from two processes at once, in ms since the first call. */
  async function departures(account: string, intervalMs: number, count: number): Promise<number[]> {
    const pacers = [new RequestPacer(redis, prefix), new RequestPacer(other, prefix)];
    const start = performance.now();
    const times = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        pacers[i % 2]!.wait(account, intervalMs).then(() => performance.now() - start),
      ),
    );
    return times.sort((a, b) => a - b);
  }

  it("holds Binance's 50 ms to 18 requests in 990 ms, the first 18 at once", async () => {
    expect(paceWindow(50)).toEqual({ windowMs: 990, limit: 18 });
    const times = await departures(key(), 50, 40);
    expect(times[17]!).toBeLessThan(300);
    // The 19th waits for the first to leave the window, the 37th for the 19th.
    expect(times[18]!).toBeGreaterThanOrEqual(980);
    expect(times[36]!).toBeGreaterThanOrEqual(1970);
    for (let i = 18; i < times.length; i++) expect(times[i]! - times[i - 18]!).toBeGreaterThanOrEqual(980);
  });

  it('keeps the rate of an interval between half a second and a second (one per interval, not one a second)', () => {
    expect(paceWindow(600)).toEqual({ windowMs: 660, limit: 1 });
    expect(paceWindow(333)).toEqual({ windowMs: 734, limit: 2 });
  });

  it('spaces requests one by one when the interval is a second or more', async () => {
    expect(paceWindow(1000)).toEqual({ windowMs: 1100, limit: 1 });
    const times = await departures(key(), 1000, 3);
    expect(times[0]!).toBeLessThan(300);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1090);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(1090);
  });

  it('counts a reserved slot from when its request leaves, not from when it was taken', async () => {
    const account = key();
    const pacer = new RequestPacer(redis, prefix);
    const reservation = pacer.reserve(account, 1000);
    await reservation.ready;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const sentAt = performance.now();
    reservation.sent();
    await pacer.wait(account, 1000);
    expect(performance.now() - sentAt).toBeGreaterThanOrEqual(1090);
  });

  it('keeps accounts apart, and a zero interval unpaced', async () => {
    const pacer = new RequestPacer(redis, prefix);
    const start = performance.now();
    await pacer.wait(key(), 1000);
    await pacer.wait(key(), 1000);
    for (let i = 0; i < 20; i++) await pacer.wait('unpaced', 0);
    expect(performance.now() - start).toBeLessThan(300);
  });
});
