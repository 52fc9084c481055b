import { Queue, QueueEvents } from 'bullmq';
import { brokerQueue, brokersChannel, type BrokerJob, type BrokerReply } from '../actors/broker/broker-jobs';
import { ExchangeError } from '../core/exchanges/errors';
import type { Redis } from '../core/redis';
import { queueOptions, workerConnection } from '../queues/connection';

/**
 * Asks the broker actor and waits for its answer, within a timeout. The web process never calls an exchange itself.
 */
export class BrokerRequests {
  private readonly queues = new Map<number, { queue: Queue; events: QueueEvents }>();

  constructor(
    private readonly redis: Redis,
    private readonly redisUrl: string,
    private readonly prefix: string,
    private readonly timeoutMs: number,
  ) {}

  async call<T>(brokerId: number, name: BrokerJob['name'], data: BrokerJob['data']): Promise<T> {
    const { queue, events } = await this.open(brokerId);
    await this.redis.publish(brokersChannel(this.prefix), String(brokerId));
    const job = await queue.add(name, data, { removeOnComplete: { age: 3600 }, removeOnFail: { age: 24 * 3600 } });
    let reply: BrokerReply<T>;
    try {
      reply = (await job.waitUntilFinished(events, this.timeoutMs)) as BrokerReply<T>;
    } catch (error) {
      const message = (error as Error).message;
      if (/timed out/i.test(message)) {
        throw new ExchangeError('BROKER_TIMEOUT', `Pas de réponse du broker en ${this.timeoutMs / 1000} s`, 'timeout');
      }
      throw new ExchangeError('BROKER_FAILED', `Le broker a échoué : ${message}`, 'error');
    }
    if (!reply.ok) throw ExchangeError.fromJSON(reply.error);
    return reply.value;
  }

  async close(): Promise<void> {
    for (const { queue, events } of this.queues.values()) {
      await events.close();
      await queue.close();
    }
    this.queues.clear();
  }

  private async open(brokerId: number) {
    let entry = this.queues.get(brokerId);
    if (!entry) {
      const name = brokerQueue(brokerId);
      entry = {
        queue: new Queue(name, queueOptions(this.redisUrl, this.prefix)),
        events: new QueueEvents(name, { connection: workerConnection(this.redisUrl), prefix: this.prefix }),
      };
      this.queues.set(brokerId, entry);
      await entry.events.waitUntilReady();
    }
    return entry;
  }
}
