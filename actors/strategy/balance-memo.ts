import type { BrokerJobs } from '../../queues/broker-jobs';

type BalanceLines = BrokerJobs['balance']['result'];

/**
 * The balances of one close, shared by the evaluations this process runs on it: the activations of one broker (a
 * user's strategies on several markets) decide on the same close, and each would otherwise ask the broker actor in
 * turn. Forgotten when this process orders on that broker, and after `maxAgeMs` (half a second: orders placed on the
 * broker by other processes, a manual or webhook order, are not seen before then).
 */
export class BalanceMemo {
  private readonly kept = new Map<number, { closeTime: number; at: number; lines: Promise<BalanceLines> }>();

  constructor(private readonly maxAgeMs = 500) {}

  get(brokerId: number, closeTime: number, fetch: () => Promise<BalanceLines>): Promise<BalanceLines> {
    const hit = this.kept.get(brokerId);
    if (hit && hit.closeTime === closeTime && Date.now() - hit.at <= this.maxAgeMs) return hit.lines;
    const entry = { closeTime, at: Date.now(), lines: fetch() };
    this.kept.set(brokerId, entry);
    entry.lines.catch(() => {
      if (this.kept.get(brokerId) === entry) this.kept.delete(brokerId);
    });
    return entry.lines;
  }

  /** Around an order on this broker: evaluations during it or after it read the balance again. */
  async ordering<T>(brokerId: number, order: () => Promise<T>): Promise<T> {
    this.kept.delete(brokerId);
    try {
      return await order();
    } finally {
      this.kept.delete(brokerId);
    }
  }
}

/** BalanceMemo.ordering where there is a memo (the strategy actor's), the order alone elsewhere. */
export function ordering<T>(memo: BalanceMemo | undefined, brokerId: number, order: () => Promise<T>): Promise<T> {
  return memo ? memo.ordering(brokerId, order) : order();
}
