import { Worker, type Job } from 'bullmq';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { ExchangeError } from '../../core/exchanges/errors';
import type { Redis } from '../../core/redis';
import { openQueue, workerOptions } from '../../queues/connection';
import type { BrokerOperations } from './broker.operations';
import { brokerQueue, brokersChannel, type BrokerJobName, type BrokerReply, type QueuedBrokerJob } from './broker-jobs';
import { UncertainOrderError } from './place-order';

/**
 * The broker actor: one BullMQ worker per broker account, one job at a time across all worker processes (the
 * queue's global concurrency). Requests are rate-limited from ccxt's `rateLimit` by the RequestPacer, request by
 * request: a BullMQ limiter would only space job starts, and its retry timer held orders back up to a whole
 * interval even when the account had been quiet (p99 of the order round trip 41–51 ms with it, 30 ms without).
 * Workers are started for every broker at start (a small team's handful; an inactive one simply gets no jobs), and
 * on demand when a web process announces a broker created since (once per web process, on the brokers channel).
 */
export class BrokerWorkers {
  private readonly workers = new Map<number, Promise<Worker>>();

  constructor(
    private readonly options: {
      db: Knex;
      subscriber: Redis;
      /** Publishes answers to the web process that asked. */
      redis: Redis;
      redisUrl: string;
      prefix: string;
      logger: Logger;
      operations: BrokerOperations;
      /** How long a job stays locked to its worker; a killed worker's job is taken over after about this long. */
      lockMs: number;
    },
  ) {}

  async start(): Promise<void> {
    const { db, subscriber, prefix } = this.options;
    await subscriber.subscribe(brokersChannel(prefix));
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== brokersChannel(prefix)) return;
      const brokerId = Number(message);
      if (Number.isInteger(brokerId) && brokerId > 0) void this.ensure(brokerId);
    });
    const brokers: { id: number }[] = await db('brokers').select('id');
    await Promise.all(brokers.map((b) => this.ensure(b.id)));
  }

  ensure(brokerId: number): Promise<Worker> {
    let worker = this.workers.get(brokerId);
    if (!worker) {
      worker = this.create(brokerId);
      this.workers.set(brokerId, worker);
    }
    return worker;
  }

  async close(): Promise<void> {
    const workers = await Promise.all(this.workers.values());
    await Promise.all(workers.map((w) => w.close()));
  }

  private async create(brokerId: number): Promise<Worker> {
    const { redisUrl, prefix, logger } = this.options;
    // One job at a time for the account across every worker process, not only within this one.
    const queue = openQueue(brokerQueue(brokerId), redisUrl, prefix);
    try {
      await queue.setGlobalConcurrency(1);
    } finally {
      await queue.close();
    }
    const worker = new Worker(brokerQueue(brokerId), (job: Job) => this.process(job), {
      ...workerOptions(redisUrl, prefix, 1),
      lockDuration: this.options.lockMs,
      stalledInterval: this.options.lockMs,
    });
    worker.on('error', (error) => logger.error({ err: error, brokerId }, 'broker worker error'));
    await worker.waitUntilReady();
    return worker;
  }

  private async process(job: Job<QueuedBrokerJob<BrokerJobName>>): Promise<BrokerReply<unknown>> {
    const reply = await this.answer(job);
    const { replyTo } = job.data;
    if (replyTo) {
      // Not awaited: the answer leaves before BullMQ records the job as done, and nothing waits for it.
      this.options.redis
        .publish(replyTo.channel, JSON.stringify({ token: replyTo.token, reply }))
        .catch((error: unknown) => this.options.logger.warn({ err: error, jobId: job.id }, 'broker reply not sent'));
    }
    return reply;
  }

  private async answer(job: Job<QueuedBrokerJob<BrokerJobName>>): Promise<BrokerReply<unknown>> {
    try {
      return { ok: true, value: await this.options.operations.run(job.name as BrokerJobName, job.data) };
    } catch (error) {
      if (error instanceof ExchangeError) return { ok: false, error: error.toJSON() };
      if (error instanceof UncertainOrderError && job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        return { ok: false, error: error.cause.toJSON() };
      }
      // Thrown: BullMQ retries the job (orders are looked up before being sent again).
      throw error;
    }
  }
}
