import { randomUUID } from 'node:crypto';
import type { Redis } from '../redis';

/** A slot taken ahead of a request: `ready` once it may leave, `sent()` when it does. */
export interface Reservation {
  ready: Promise<void>;
  sent(): void;
}

/**
 * A tenth more than the interval: the exchange counts arrivals, and the time between taking the slot and the request
 * leaving (signing, a GC pause) varies by a few milliseconds from one request to the next.
 */
const spacing = (intervalMs: number) => Math.ceil((intervalMs * 11) / 10);

/**
 * The window over which the rate is counted, and how many requests it holds: as many intervals as fit in a second
 * (exchanges state their limits per second, ten seconds or a minute), one interval when it is longer. The window is
 * a whole number of intervals, so the sustained rate is exactly one per interval (660 ms: one per 660 ms, not one a
 * second).
 */
export function paceWindow(intervalMs: number): { windowMs: number; limit: number } {
  const step = spacing(intervalMs);
  const limit = Math.max(1, Math.floor(1000 / step));
  return { windowMs: limit * step, limit };
}

/**
 * Takes a slot if fewer than `limit` requests were sent in the last `windowMs` (by Redis's clock, the same for every
 * process): 0, or how long until the oldest of them leaves the window.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)`;

/**
 * Moves a slot taken ahead to the time its request leaves; one that left the window meanwhile (a slow write before
 * the request) counts again from now.
 */
const SENT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
return 0`;

/**
 * Keeps the requests made for one account (or one public source) at ccxt's `rateLimit` (plus a tenth), across every
 * worker process: never more in any window of about a second than that rate allows, `limit` in `windowMs`
 * (paceWindow). Within the window they leave at once, so an order does not wait behind the balance that sized it a
 * few milliseconds before (Binance: 18 in 990 ms, the same sustained rate as one per 55 ms; Binance's own limits,
 * request weight per minute and orders per ten seconds, are not modelled). ccxt's own throttle is switched off because it does not credit idle time (each call waits its
 * full cost even after a quiet minute), which would add its delay to every order.
 */
export class RequestPacer {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async wait(key: string, intervalMs: number): Promise<void> {
    await this.take(key, intervalMs);
  }

  /**
   * Takes the next slot now for a request that leaves a little later (an order, once its trade is written), so the
   * wait overlaps that work. `sent()`, as the request leaves, moves the slot to then: the window counts requests as
   * sent, however long the work in between took.
   */
  reserve(key: string, intervalMs: number): Reservation {
    const taken = this.take(key, intervalMs);
    const ready = taken.then(() => undefined);
    // Awaited by the request; a reservation no request follows must not leave an unhandled rejection behind.
    ready.catch(() => undefined);
    return {
      ready,
      sent: () => {
        if (intervalMs <= 0) return;
        void taken
          .then((member) => this.redis.eval(SENT, 1, this.slot(key), paceWindow(intervalMs).windowMs, member))
          .catch(() => undefined);
      },
    };
  }

  /** Waits for a slot and returns its member in the window's set. */
  private async take(key: string, intervalMs: number): Promise<string> {
    const member = randomUUID();
    if (intervalMs <= 0) return member;
    const { windowMs, limit } = paceWindow(intervalMs);
    for (;;) {
      const left = Number(await this.redis.eval(TAKE, 1, this.slot(key), windowMs, limit, member));
      if (left === 0) return member;
      await new Promise((resolve) => setTimeout(resolve, left));
    }
  }

  private slot(key: string): string {
    return `${this.prefix}:pace-window:${key}`;
  }
}
