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
const spacing = (intervalMs: number) => Math.ceil(intervalMs * 1.1);

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
    const slot = this.slot(key);
    for (;;) {
      if (await this.redis.set(slot, '1', 'PX', spacing(intervalMs), 'NX')) return;
      const left = await this.redis.pttl(slot);
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, left)));
    }
  }

  /**
   * Takes the next slot now for a request that leaves a little later (an order, once its trade is written), so the
   * wait overlaps that work. `sent()`, as the request leaves, starts the interval over from then: the spacing holds
   * between requests as sent, however long the work in between took. Only one job of an account runs at a time, so
   * nothing else holds the account's slot meanwhile.
   */
  reserve(key: string, intervalMs: number): Reservation {
    const ready = this.wait(key, intervalMs);
    // Awaited by the request; a reservation no request follows must not leave an unhandled rejection behind.
    ready.catch(() => undefined);
    return {
      ready,
      sent: () => {
        if (intervalMs <= 0) return;
        this.redis.set(this.slot(key), '1', 'PX', spacing(intervalMs)).catch(() => undefined);
      },
    };
  }

  private slot(key: string): string {
    return `${this.prefix}:pace:${key}`;
  }
}
