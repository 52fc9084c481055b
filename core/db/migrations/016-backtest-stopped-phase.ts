import type { Knex } from 'knex';

/**
 * The phase a backtest was in when it was cancelled or failed (`loading` its candles or `running` the simulation),
 * so its page says which bar was interrupted instead of showing the download complete.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('backtest_results', (t) => {
    t.string('stopped_phase', 16).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('backtest_results', (t) => {
    t.dropColumn('stopped_phase');
  });
}
