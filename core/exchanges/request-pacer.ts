import type { Redis } from '../redis';

/**
 * Spaces the requests made for one account (or one public source) at least `intervalMs` apart, across every worker
 * process: a Redis key that lives `intervalMs` is the permission to send. ccxt's own throttle is switched off
 * because it does not credit idle time (each call waits its full cost even after a quiet minute), which would add
 * its delay to every order.
 */
export class RequestPacer {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async wait(key: string, intervalMs: number): Promise<void> {
    if (intervalMs <= 0) return;
    const slot = `${this.prefix}:pace:${key}`;
    // A tenth more than the interval: the exchange counts arrivals, and the time between taking the slot and the
    // request leaving (signing, a GC pause) varies by a few milliseconds from one request to the next.
    const spacing = Math.ceil(intervalMs * 1.1);
    for (;;) {
      if (await this.redis.set(slot, '1', 'PX', spacing, 'NX')) return;
      const left = await this.redis.pttl(slot);
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, left)));
    }
  }
}
