import type { EventPublisher } from '../../core/realtime/publisher';

const KEEP = 60;
const EVERY_MS = 200;

/**
 * `StreamBrut`: the raw messages, relayed to the browsers in batches. The page shows the last 60 lines, so a batch
 * carries at most 60 with the count of all received; batching keeps a busy feed from flooding Redis and sockets.
 */
export class RawStreamRelay {
  private readonly ring: string[] = new Array<string>(KEEP);
  private next = 0;
  private received = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly publisher: EventPublisher) {}

  push(raw: string): void {
    this.ring[this.next] = raw;
    this.next = (this.next + 1) % KEEP;
    this.received++;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), EVERY_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.received === 0) return;
    const count = Math.min(this.received, KEEP);
    const messages: string[] = [];
    for (let i = count; i > 0; i--) messages.push(this.ring[(this.next - i + KEEP) % KEEP]!);
    const received = this.received;
    this.received = 0;
    await this.publisher.publish('heartbeat:stream', { messages, received }, 'all').catch(() => undefined);
  }
}
