/**
 * Which brokers each user was seen to own, so that an order does not wait for that read: a broker never changes
 * owner, and the broker actor checks the broker again (still the user's, active, unchanged) as it writes the trade,
 * before anything is sent. The read still guards the queues: a broker id nobody owns never gets one. Entries
 * expire, so a broker deleted through another web process is soon read (and found missing) here too.
 */
export class OwnedBrokers {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  has(userId: number, brokerId: number): boolean {
    const key = `${userId}:${brokerId}`;
    const until = this.seen.get(key);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.seen.delete(key);
    return false;
  }

  add(userId: number, brokerId: number): void {
    this.seen.set(`${userId}:${brokerId}`, this.now() + this.ttlMs);
  }
}
