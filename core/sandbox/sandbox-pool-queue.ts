import { RateLimitError } from '../errors';

export interface FairQueueLimits {
  /** Tasks one owner may have waiting (besides the one running). */
  perOwner: number;
  /** Tasks waiting in all. */
  total: number;
}

/**
 * Waiting tasks, per owner, served in turn: the next task comes from the owner after the last one served, and never
 * from an owner who already has a task running, so one user cannot hold the whole pool nor delay the others by
 * more than one task each. Beyond the bounds a task is refused at once (429) rather than left to wait for minutes.
 */
export class FairQueue<T> {
  private readonly owners = new Map<string, T[]>();
  private count = 0;

  constructor(private readonly limits: FairQueueLimits) {}

  get size(): number {
    return this.count;
  }

  push(owner: string, item: T): void {
    const waiting = this.owners.get(owner) ?? [];
    if (waiting.length >= this.limits.perOwner) {
      throw new RateLimitError(
        "Trop d'exécutions de stratégie en attente pour ce compte : attendez la fin des précédentes",
        'SANDBOX_OWNER_BUSY',
      );
    }
    if (this.count >= this.limits.total) {
      throw new RateLimitError(
        'Le bac à sable des stratégies est saturé : réessayez dans quelques secondes',
        'SANDBOX_BUSY',
      );
    }
    waiting.push(item);
    this.owners.set(owner, waiting);
    this.count++;
  }

  /** The next task of the first owner in turn who has nothing running; that owner goes to the back of the line. */
  next(isRunning: (owner: string) => boolean): T | undefined {
    for (const [owner, waiting] of this.owners) {
      if (isRunning(owner)) continue;
      const item = waiting.shift() as T;
      this.owners.delete(owner);
      if (waiting.length) this.owners.set(owner, waiting);
      this.count--;
      return item;
    }
    return undefined;
  }

  /** Takes a task out before it started (its caller gave up); false when it is no longer waiting. */
  remove(owner: string, item: T): boolean {
    const waiting = this.owners.get(owner);
    const at = waiting?.indexOf(item) ?? -1;
    if (!waiting || at < 0) return false;
    waiting.splice(at, 1);
    if (!waiting.length) this.owners.delete(owner);
    this.count--;
    return true;
  }

  /** Empties the queue, handing back what was waiting. */
  drain(): T[] {
    const all = [...this.owners.values()].flat();
    this.owners.clear();
    this.count = 0;
    return all;
  }
}
