import { Worker, type Job } from 'bullmq';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { AppError, ConflictError, NotFoundError, UpstreamError, ValidationError } from '../../core/errors';
import { ExchangeError, type ExchangeFailure } from '../../core/exchanges/errors';
import type { Redis } from '../../core/redis';
import { openQueue, workerOptions } from '../../queues/connection';
import type { BrokerOperations } from './broker.operations';
import {
  BROKER_FAILED,
  brokerQueue,
  BROKER_DELETED,
  brokersChannel,
  type BrokerJobName,
  type BrokerReply,
  type QueuedBrokerJob,
} from '../../queues/broker-jobs';
import { UncertainOrderError } from './place-order';

/**
 * The broker actor: one BullMQ worker per broker account, one job at a time across all worker processes (the
 * queue's global concurrency). Requests are rate-limited from ccxt's `rateLimit` by the RequestPacer, request by
 * request: a BullMQ limiter would only space job starts, and its retry timer held orders back up to a whole
 * interval even when the account had been quiet (p99 of the order round trip 41–51 ms with it, 30 ms without).
 * Workers are started for every broker at start (a small team's handful; an inactive one simply gets no jobs), and
 * on demand when a web process announces a broker created since (once per web process, on the brokers channel);
 * a deleted broker's worker is closed when its deletion is announced there.
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
      const deleted = message.startsWith(BROKER_DELETED);
      const brokerId = Number(deleted ? message.slice(BROKER_DELETED.length) : message);
      if (!Number.isInteger(brokerId) || brokerId <= 0) return;
      if (deleted) void this.retire(brokerId);
      else void this.ensure(brokerId);
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

  /**
   * Stops serving a deleted broker's queue: each worker holds Redis connections, and without this every broker
   * created and deleted left its worker behind until the process ended. A job it is running finishes first.
   */
  async retire(brokerId: number): Promise<void> {
    const worker = this.workers.get(brokerId);
    if (!worker) return;
    this.workers.delete(brokerId);
    try {
      await (await worker).close();
    } catch (error) {
      this.options.logger.warn({ err: error, brokerId }, 'broker worker not closed');
    }
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
    let reply: BrokerReply<unknown>;
    try {
      reply = await this.answer(job);
    } catch (error) {
      // Thrown: BullMQ retries the job (orders are looked up before being sent again), or records it failed.
      if (job.attemptsMade + 1 < (job.opts.attempts ?? 1)) throw error;
      const { brokerId, replyTo } = job.data;
      this.options.logger.error(
        { err: error, jobId: job.id, job: job.name, brokerId, requestId: replyTo?.requestId },
        'broker job failed',
      );
      this.reply(job, { ok: false, error: BROKER_FAILED });
      throw error;
    }
    this.reply(job, reply);
    return reply;
  }

  private reply(job: Job<QueuedBrokerJob<BrokerJobName>>, reply: BrokerReply<unknown>): void {
    const { replyTo } = job.data;
    if (!replyTo) return;
    // Not awaited: the answer leaves before BullMQ records the job as done, and nothing waits for it.
    this.options.redis
      .publish(replyTo.channel, JSON.stringify({ token: replyTo.token, reply }))
      .catch((error: unknown) => this.options.logger.warn({ err: error, jobId: job.id }, 'broker reply not sent'));
  }

  private async answer(job: Job<QueuedBrokerJob<BrokerJobName>>): Promise<BrokerReply<unknown>> {
    try {
      return { ok: true, value: await this.options.operations.run(job.name as BrokerJobName, job.data) };
    } catch (error) {
      if (error instanceof ExchangeError) {
        // The user reads only our sentence; what ccxt said (URL, socket error) is kept here.
        const { cause } = error;
        if (cause) this.options.logger.info({ err: cause, jobId: job.id, code: error.code }, 'exchange error');
        return { ok: false, error: error.toJSON() };
      }
      if (error instanceof UncertainOrderError && job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        return { ok: false, error: error.cause.toJSON() };
      }
      // Our own refusals, in French, are answers too.
      if (error instanceof AppError) return { ok: false, error: typedReply(error) };
      throw error;
    }
  }
}

/** One of our typed errors as a reply: the web answers with its code, message and field, at the status it calls for. */
function typedReply(error: AppError): ReturnType<ExchangeError['toJSON']> {
  let failure: ExchangeFailure = 'error';
  if (error instanceof UpstreamError) failure = error.failure;
  else if (error instanceof NotFoundError) failure = 'not_found';
  else if (error instanceof ValidationError || error instanceof ConflictError) failure = 'rejected';
  return { code: error.code, message: error.message, failure, field: error.field };
}
