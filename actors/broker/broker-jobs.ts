import type { ExchangeError } from '../../core/exchanges/errors';

/** One queue per broker account: its jobs run one at a time, at the exchange's pace. */
export const brokerQueue = (brokerId: number) => `broker-${brokerId}`;

/** The Redis channel on which the web process asks workers to serve a broker's queue. */
export const brokersChannel = (prefix: string) => `${prefix}:brokers`;

/** Jobs carry the broker id, never a credential: payloads are stored in clear in Redis and shown in Bull Board. */
export type BrokerJob = { name: 'balance'; data: { brokerId: number } };

/** A job's outcome: exchange refusals are answers, not failures to retry. */
export type BrokerReply<T> = { ok: true; value: T } | { ok: false; error: ReturnType<ExchangeError['toJSON']> };
