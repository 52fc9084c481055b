import type { Knex } from 'knex';

/**
 * Whether an active activation closes its open position at market once its end date passes, as its backtest closes
 * the last trade at the end of the period. Activations created before keep theirs (false), as they did.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('active_strategies', (t) => {
    t.boolean('close_at_end').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('active_strategies', (t) => {
    t.dropColumn('close_at_end');
  });
}
