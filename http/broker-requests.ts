import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents, type JobsOptions } from 'bullmq';
import {
  brokerQueue,
  brokersChannel,
  repliesChannel,
  type BrokerJobName,
  type BrokerJobs,
  type BrokerReply,
  type QueuedBrokerJob,
} from '../actors/broker/broker-jobs';
import { ExchangeError } from '../core/exchanges/errors';
import { clientOrderId } from '../core/trading/client-order-id';
import type { Redis } from '../core/redis';
import { queueOptions, workerConnection } from '../queues/connection';

const KEEP = { removeOnComplete: { age: 3600 }, removeOnFail: { age: 24 * 3600 } };

/**
 * Asks the broker actor and waits for its answer, within a timeout. The web process never calls an exchange itself.
 */
export class BrokerRequests {
  private readonly queues = new Map<number, { queue: Queue; events: QueueEvents }>();
  /** This process's answers channel, subscribed on first use; who waits for which token. */
  private readonly channel: string;
  private replies?: Promise<Redis>;
  private readonly waiting = new Map<string, (reply: BrokerReply<unknown>) => void>();

  constructor(
    private readonly redis: Redis,
    private readonly redisUrl: string,
    private readonly prefix: string,
    private readonly timeoutMs: number,
  ) {
    this.channel = repliesChannel(prefix, randomUUID());
  }

  async call<N extends BrokerJobName>(name: N, data: BrokerJobs[N]['data']): Promise<BrokerJobs[N]['result']> {
    return this.send(name, data, {});
  }

  /**
   * An order job's id is its client order id: asking again for the same business key (a double click, a retried
   * request) joins the job already there instead of adding one, and the actor looks the order up before sending.
   */
  placeOrder(data: BrokerJobs['createOrder']['data']): Promise<BrokerJobs['createOrder']['result']> {
    return this.send('createOrder', data, {
      jobId: `order-${clientOrderId(data.businessKey)}`,
      attempts: 3,
      backoff: { type: 'exponential', delay: 1000 },
    });
  }

  async close(): Promise<void> {
    const replies = this.replies;
    this.replies = undefined;
    if (replies) await (await replies).quit();
    for (const { queue, events } of this.queues.values()) {
      await events.close();
      await queue.close();
    }
    this.queues.clear();
  }

  private async send<N extends BrokerJobName>(
    name: N,
    data: BrokerJobs[N]['data'],
    options: JobsOptions,
  ): Promise<BrokerJobs[N]['result']> {
    const { queue, events } = await this.open(data.brokerId);
    await this.listen();
    const token = randomUUID();
    const published = new Promise<BrokerReply<unknown>>((resolve) => this.waiting.set(token, resolve));
    let reply: BrokerReply<BrokerJobs[N]['result']>;
    try {
      const queued: QueuedBrokerJob<N> = { ...data, replyTo: { channel: this.channel, token } };
      const job = await queue.add(name, queued, { ...KEEP, ...options });
      // BullMQ's completion event also answers a job asked for by someone else first (the same order asked again:
      // the job already there keeps its own reply address), and at once if that job has already finished.
      reply = (await Promise.race([published, job.waitUntilFinished(events, this.timeoutMs)])) as BrokerReply<
        BrokerJobs[N]['result']
      >;
    } catch (error) {
      const message = (error as Error).message;
      if (/timed out/i.test(message)) {
        throw new ExchangeError('BROKER_TIMEOUT', `Pas de réponse du broker en ${this.timeoutMs / 1000} s`, 'timeout');
      }
      throw new ExchangeError('BROKER_FAILED', `Le broker a échoué : ${message}`, 'error');
    } finally {
      this.waiting.delete(token);
    }
    if (!reply) throw new ExchangeError('BROKER_FAILED', 'Le broker a terminé sans réponse', 'error');
    if (!reply.ok) throw ExchangeError.fromJSON(reply.error);
    return reply.value;
  }

  private listen(): Promise<Redis> {
    this.replies ??= (async () => {
      const subscriber = this.redis.duplicate();
      subscriber.on('message', (channel: string, message: string) => {
        if (channel !== this.channel) return;
        const { token, reply } = JSON.parse(message) as { token: string; reply: BrokerReply<unknown> };
        this.waiting.get(token)?.(reply);
      });
      try {
        await subscriber.subscribe(this.channel);
      } catch (error) {
        // Tried again by the next request rather than kept.
        subscriber.disconnect();
        this.replies = undefined;
        throw error;
      }
      return subscriber;
    })();
    return this.replies;
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
      // Workers serve every broker they found at start; a broker new since then is announced once per web process.
      await this.redis.publish(brokersChannel(this.prefix), String(brokerId));
      await entry.events.waitUntilReady();
    }
    return entry;
  }
}
