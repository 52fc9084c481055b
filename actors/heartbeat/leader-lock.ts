import { randomUUID } from 'node:crypto';
import type { Redis } from '../../core/redis';

// Renew or release only while we still own the key: another process may hold it after our TTL ran out.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface LeaderEvents {
  onElected(): void;
  /** The lock was lost (not renewed in time, or Redis unreachable): stop publishing at once. */
  onDeposed(reason: string): void;
}

/**
 * One leader among the heartbeat processes: a Redis key set with NX and a TTL, renewed every third of the TTL.
 * A standby retries at the same pace and takes over once the leader's key expires (it died or lost Redis).
 */
export class LeaderLock {
  readonly owner = randomUUID();
  private leader = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly ttlMs: number,
    private readonly events: LeaderEvents,
  ) {}

  get isLeader(): boolean {
    return this.leader;
  }

  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), Math.max(100, Math.floor(this.ttlMs / 3)));
  }

  /** Stops renewing; a leader releases the key so that a standby takes over without waiting for the TTL. */
  async stop(release = true): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    if (this.leader && release) await this.redis.eval(RELEASE, 1, this.key, this.owner).catch(() => undefined);
    this.leader = false;
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.leader) {
        const renewed = await this.redis.eval(RENEW, 1, this.key, this.owner, String(this.ttlMs));
        if (renewed !== 1) this.depose('verrou repris par un autre heartbeat');
      } else {
        const taken = await this.redis.set(this.key, this.owner, 'PX', this.ttlMs, 'NX');
        if (taken === 'OK' && !this.stopped) {
          this.leader = true;
          this.events.onElected();
        }
      }
    } catch (error) {
      if (this.leader) this.depose(`Redis injoignable : ${(error as Error).message}`);
    }
  }

  private depose(reason: string): void {
    this.leader = false;
    this.events.onDeposed(reason);
  }
}
