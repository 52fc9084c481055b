import type { Redis } from '../redis';
import type { EventEnvelope, EventTarget, ServerEventName, ServerEventPayload } from './events';

export const eventsChannel = (prefix: string) => `${prefix}:events`;

/** Publishes browser events from any process; the web process's gateway delivers them to the right room. */
export class EventPublisher {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async publish<E extends ServerEventName>(
    event: E,
    payload: ServerEventPayload<E>,
    target: EventTarget,
  ): Promise<void> {
    const envelope: EventEnvelope<E> = { event, payload, target };
    await this.redis.publish(eventsChannel(this.prefix), JSON.stringify(envelope));
  }
}
