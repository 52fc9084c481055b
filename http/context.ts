import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from '../core/config';
import type { EventPublisher } from '../core/realtime/publisher';
import type { Redis } from '../core/redis';
import type { Queue } from 'bullmq';
import type { SandboxPool } from '../core/sandbox/sandbox-pool';
import type { BrokerRequests } from '../queues/broker-client';

/** What the web app is built from; tests build it with their own config and connections. */
export interface AppDeps {
  config: Config;
  db: Knex;
  redis: Redis;
  logger: Logger;
  publisher: EventPublisher;
  /** Built by createApp when not given. */
  brokerRequests?: BrokerRequests;
  /** The markets actor's mailbox. Built by createApp when not given. */
  marketsQueue?: Queue;
  /** The backtest actor's mailbox. Built by createApp when not given. */
  backtestQueue?: Queue;
  sweepQueue?: Queue;
  /** The strategy actor's mailbox (a user closing a position). Built by createApp when not given. */
  strategyQueue?: Queue;
  /** The webhook actor's mailbox. Built by createApp when not given. */
  webhookQueue?: Queue;
  /** Where strategies are validated, off the event loop. Built by createApp (SANDBOX_THREADS) when not given. */
  sandbox?: SandboxPool;
}
