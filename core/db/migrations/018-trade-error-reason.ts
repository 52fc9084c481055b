import type { Knex } from 'knex';

/**
 * Why an attempt was refused, as data beside the French `error_message`: the kind, the field named and the
 * parameters of our own refusals (core/trading/order-messages.ts), so the web app words them in the reader's
 * language. Null for an exchange's own words and for rows written before, which keep showing their message.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('trades', (t) => {
    t.jsonb('error_reason').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('trades', (t) => {
    t.dropColumn('error_reason');
  });
}
