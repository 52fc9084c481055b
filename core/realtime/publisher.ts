import type { Redis } from '../redis';
import type { EventEnvelope, EventTarget, ServerEventName, ServerEventPayload } from './events';

export const eventsChannel = (prefix: string) => `${prefix}:events`;
/** Carries `{ sessionIds }` of sessions that ended (logout, new sign-in, password change). */
export const endedSessionsChannel = (prefix: string) => `${prefix}:sessions-ended`;

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

  /** Tells every web process that these sessions ended: their sockets are closed, wherever they are connected. */
  async endSessions(sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    await this.redis.publish(endedSessionsChannel(this.prefix), JSON.stringify({ sessionIds }));
  }
}
