import { Queue, type ConnectionOptions, type QueueOptions, type WorkerOptions } from 'bullmq';
import { redisOptions } from '../core/redis';
import type { QueueName } from './names';

/** Options for producers: fail fast when Redis is down, so an HTTP request gets an error instead of hanging. */
export function queueConnection(redisUrl: string): ConnectionOptions {
  return { ...redisOptions(redisUrl), enableOfflineQueue: false };
}

/** Options for workers: BullMQ requires `maxRetriesPerRequest: null` so blocking commands survive reconnects. */
export function workerConnection(redisUrl: string): ConnectionOptions {
  return { ...redisOptions(redisUrl), maxRetriesPerRequest: null };
}

export function queueOptions(redisUrl: string, prefix: string): QueueOptions {
  return {
    connection: queueConnection(redisUrl),
    prefix,
    defaultJobOptions: { removeOnComplete: { age: 24 * 3600, count: 1000 }, removeOnFail: { age: 7 * 24 * 3600 } },
  };
}

export function workerOptions(redisUrl: string, prefix: string, concurrency = 1): WorkerOptions {
  return { connection: workerConnection(redisUrl), prefix, concurrency };
}

/** Opens a producer for one queue; whoever opens it closes it. */
export function openQueue(name: QueueName | string, redisUrl: string, prefix: string): Queue {
  return new Queue(name, queueOptions(redisUrl, prefix));
}
