import { randomUUID } from 'node:crypto';
import { Queue, type JobsOptions } from 'bullmq';
import {
  BROKER_DELETED,
  BROKER_FAILED,
  brokerQueue,
  brokersChannel,
  repliesChannel,
  type BrokerJobName,
  type BrokerJobs,
  type BrokerReply,
  type QueuedBrokerJob,
} from './broker-jobs';
import { ExchangeError } from '../core/exchanges/errors';
import type { Redis } from '../core/redis';
import { queueOptions } from './connection';
import { ORDER_JOB } from './jobs';

const KEEP = { removeOnComplete: { age: 3600 }, removeOnFail: { age: 24 * 3600 } };
/** See BrokerRequests.outcome. */
const POLL_MS = 100;

/**
 * Asks the broker actor and waits for its answer, within a timeout: the web process (which never calls an exchange
 * itself) and the strategy actor alike.
 */
export class BrokerRequests {
  private readonly queues = new Map<number, Queue>();
  /** This process's answers channel, subscribed on first use; who waits for which token. */
  private readonly channel: string;
  private replies?: Promise<Redis>;
  private readonly waiting = new Map<string, (reply: BrokerReply<unknown>) => void>();

  constructor(
    private readonly redis: Redis,
    private readonly redisUrl: string,
    private readonly prefix: string,
    private readonly timeoutMs: number,
    /** The request being served, for the worker's log lines (the web process passes its request scope). */
    private readonly requestId: () => string | undefined = () => undefined,
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
  async placeOrder(data: BrokerJobs['createOrder']['data']): Promise<BrokerJobs['createOrder']['result']> {
    const options = ORDER_JOB(data.businessKey);
    await this.retryFailed(data.brokerId, options.jobId!);
    return this.send('createOrder', data, options);
  }

  /** Protective orders are placed as orders are: one job per business key, looked up before anything is sent again. */
  async placeProtection(
    data: BrokerJobs['placeProtection']['data'],
  ): Promise<BrokerJobs['placeProtection']['result']> {
    const options = ORDER_JOB(data.businessKey);
    await this.retryFailed(data.brokerId, options.jobId!);
    return this.send('placeProtection', data, options);
  }

  /**
   * A failed order job (thrown after its attempts, or its worker killed past BullMQ's stall limit) would be joined by
   * every later ask for the same key and answer "failed" for a day, the order perhaps placed and never recorded. Run
   * again, it looks the order up by its client order id before sending, so it records it or sends it once.
   */
  private async retryFailed(brokerId: number, jobId: string): Promise<void> {
    const job = await (await this.open(brokerId)).getJob(jobId);
    if (!job || !(await job.isFailed())) return;
    try {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    } catch (error) {
      // Another process retried it first (it is no longer in the failed set): joining it is what we want.
      if (await job.isFailed()) throw error;
    }
  }

  /**
   * Announces a deleted broker to every process: workers close its worker, web processes its queue (each holds Redis
   * connections, and were kept until the process ended).
   */
  async forget(brokerId: number): Promise<void> {
    await this.redis.publish(brokersChannel(this.prefix), `${BROKER_DELETED}${brokerId}`);
    await this.drop(brokerId);
  }

  async close(): Promise<void> {
    const replies = this.replies;
    this.replies = undefined;
    if (replies) await (await replies).quit();
    for (const queue of this.queues.values()) await queue.close();
    this.queues.clear();
  }

  private async send<N extends BrokerJobName>(
    name: N,
    data: BrokerJobs[N]['data'],
    options: JobsOptions,
  ): Promise<BrokerJobs[N]['result']> {
    const queue = await this.open(data.brokerId);
    await this.listen();
    const token = randomUUID();
    const published = new Promise<BrokerReply<unknown>>((resolve) => this.waiting.set(token, resolve));
    try {
      const replyTo = { channel: this.channel, token, requestId: this.requestId() };
      const queued: QueuedBrokerJob<N> = { ...data, replyTo };
      const job = await queue.add(name, queued, { ...KEEP, ...options });
      const reply = (await this.outcome(queue, job.id!, published)) as BrokerReply<BrokerJobs[N]['result']>;
      if (!reply.ok) throw ExchangeError.fromJSON(reply.error);
      return reply.value;
    } finally {
      this.waiting.delete(token);
    }
  }

  /**
   * The job's answer, as the worker publishes it to this process; or, for a job someone else queued first (the same
   * order asked again: that job keeps its own reply address) and an answer lost on the way, as BullMQ recorded the
   * job's end, read after POLL_MS and then every POLL_MS.
   */
  private async outcome(
    queue: Queue,
    jobId: string,
    published: Promise<BrokerReply<unknown>>,
  ): Promise<BrokerReply<unknown>> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new ExchangeError('BROKER_TIMEOUT', `Pas de réponse du broker en ${this.timeoutMs / 1000} s`, 'timeout');
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const pause = new Promise<undefined>(
        (resolve) => (timer = setTimeout(() => resolve(undefined), Math.min(POLL_MS, left))),
      );
      const reply = await Promise.race([published, pause]);
      clearTimeout(timer);
      if (reply) return reply;
      const job = await queue.getJob(jobId);
      if (job?.finishedOn) {
        if (job.returnvalue) return job.returnvalue as BrokerReply<unknown>;
        // The reason (an exception's message, maybe SQL) goes to this process's log, not to the client.
        const failed = ExchangeError.fromJSON(BROKER_FAILED);
        failed.cause = new Error(job.failedReason || 'no reply');
        throw failed;
      }
    }
  }

  private listen(): Promise<Redis> {
    this.replies ??= (async () => {
      const subscriber = this.redis.duplicate();
      subscriber.on('message', (channel: string, message: string) => {
        if (channel === brokersChannel(this.prefix) && message.startsWith(BROKER_DELETED)) {
          void this.drop(Number(message.slice(BROKER_DELETED.length)));
          return;
        }
        if (channel !== this.channel) return;
        const { token, reply } = JSON.parse(message) as { token: string; reply: BrokerReply<unknown> };
        this.waiting.get(token)?.(reply);
      });
      try {
        // Another web process's deletions too: this one may hold a queue of the broker.
        await subscriber.subscribe(this.channel, brokersChannel(this.prefix));
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

  private async drop(brokerId: number): Promise<void> {
    const queue = this.queues.get(brokerId);
    if (!queue) return;
    this.queues.delete(brokerId);
    // Not awaited by the channel's listener: a close that fails has lost its connection, nothing is left to free.
    await queue.close().catch(() => undefined);
  }

  private async open(brokerId: number): Promise<Queue> {
    let queue = this.queues.get(brokerId);
    if (!queue) {
      queue = new Queue(brokerQueue(brokerId), queueOptions(this.redisUrl, this.prefix));
      this.queues.set(brokerId, queue);
      // Workers serve every broker they found at start; a broker new since then is announced once per web process.
      await this.redis.publish(brokersChannel(this.prefix), String(brokerId));
    }
    return queue;
  }
}
