import type { Queue } from 'bullmq';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { findExchange } from '../../core/exchanges/catalog';
import type { ExchangeClients } from '../../core/exchanges/ccxt-client';
import { mapExchangeError } from '../../core/exchanges/errors';
import { marketsExchangeOf, symbolRow } from '../../core/exchanges/markets';
import type { EventPublisher } from '../../core/realtime/publisher';
import { jobIds } from '../../queues/jobs';
import { QUEUES } from '../../queues/names';
import type { ActorDefinition } from '../host';

export interface MarketsDeps {
  db: Knex;
  clients: ExchangeClients;
  publisher: EventPublisher;
  logger: Logger;
  paperSource: string;
}

/** One job per exchange at a time: asking again while it loads joins the running job. */

const CHUNK = 500;
/** Fetching the list from the exchange counts for this share of the progress; storing it for the rest. */
const FETCHED = 30;

/**
 * Loads every spot market of an exchange and replaces that exchange's rows of `exchange_symbols` in one
 * transaction, so readers see the old list or the new one, never half of each. Reports its progress.
 */
export async function loadMarkets(
  deps: MarketsDeps,
  exchangeId: string,
  report: (percent: number) => Promise<void>,
): Promise<number> {
  const name = findExchange(exchangeId)?.name ?? exchangeId;
  await report(0);
  const exchange = deps.clients.create(exchangeId, false);
  let markets;
  try {
    markets = Object.values(await exchange.loadMarkets(true));
  } catch (error) {
    throw mapExchangeError(error, name);
  }
  await report(FETCHED);
  const rows = markets.filter((m) => m && m.spot !== false).map((m) => symbolRow(exchangeId, exchange, m!));
  await deps.db.transaction(async (trx) => {
    await trx('exchange_symbols').where({ exchange: exchangeId }).delete();
    for (let i = 0; i < rows.length; i += CHUNK) {
      await trx('exchange_symbols').insert(rows.slice(i, i + CHUNK));
      await report(FETCHED + Math.floor(((100 - FETCHED) * Math.min(rows.length, i + CHUNK)) / rows.length));
    }
  });
  return rows.length;
}

export function marketsActor(deps: MarketsDeps): ActorDefinition {
  return {
    queue: QUEUES.markets,
    process: async (job) => {
      const exchange = String(job.data.exchange);
      let last = -1;
      const report = async (percent: number) => {
        if (percent === last) return;
        last = percent;
        await job.updateProgress(percent);
        await deps.publisher.publish('markets:progress', { exchange, percent, done: false }, 'all');
      };
      try {
        const count = await loadMarkets(deps, exchange, report);
        await deps.publisher.publish('markets:progress', { exchange, percent: 100, done: true, count }, 'all');
        deps.logger.info({ exchange, count }, 'markets loaded');
        return { exchange, count };
      } catch (error) {
        const message = (error as Error).message;
        await deps.publisher.publish(
          'markets:progress',
          { exchange, percent: last, done: true, error: message },
          'all',
        );
        throw error;
      }
    },
  };
}

/** Asks for an exchange's markets; a load already waiting or running for it is joined, not repeated. */
export async function requestMarkets(queue: Queue, exchange: string): Promise<string> {
  const job = await queue.add(
    'load',
    { exchange },
    { jobId: jobIds.markets(exchange), removeOnComplete: true, removeOnFail: true },
  );
  return job.id!;
}

/** At worker start: the markets of exchanges that validated brokers trade and that were never loaded. */
export async function requestMissingMarkets(db: Knex, queue: Queue, paperSource: string): Promise<string[]> {
  const brokers: { exchange: string }[] = await db('brokers')
    .whereNotNull('validated_at')
    .where({ is_active: true })
    .distinct('exchange');
  const wanted = [...new Set(brokers.map((b) => marketsExchangeOf(b.exchange, paperSource)))];
  const loaded: { exchange: string }[] = await db('exchange_symbols').whereIn('exchange', wanted).distinct('exchange');
  const missing = wanted.filter((e) => !loaded.some((l) => l.exchange === e));
  for (const exchange of missing) await requestMarkets(queue, exchange);
  return missing;
}
