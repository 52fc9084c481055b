import type { Knex } from 'knex';

/**
 * The worker's sweeps look for trades still pending or open every minute; they are few among a history that only
 * grows, so a partial index keeps each sweep a lookup rather than a scan of every trade.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    "CREATE INDEX trades_unsettled ON trades (status, broker_id, updated_at) WHERE status IN ('pending', 'open')",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS trades_unsettled');
}
