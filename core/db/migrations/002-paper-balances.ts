import type { Knex } from 'knex';

/** The simulated account of each `paper` broker: one row per asset. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('paper_balances', (t) => {
    t.bigIncrements('id');
    t.bigInteger('broker_id').notNullable().references('brokers.id').onDelete('CASCADE');
    t.string('asset', 32).notNullable();
    t.decimal('free', 36, 18).notNullable().defaultTo(0);
    t.decimal('used', 36, 18).notNullable().defaultTo(0);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['broker_id', 'asset']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('paper_balances');
}
