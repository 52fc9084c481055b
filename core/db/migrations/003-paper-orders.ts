import type { Knex } from 'knex';

/** The order book of each `paper` broker: what a real exchange would hold for the account. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('paper_orders', (t) => {
    t.bigIncrements('id');
    t.bigInteger('broker_id').notNullable().references('brokers.id').onDelete('CASCADE');
    t.string('client_order_id', 64).notNullable();
    t.string('symbol', 50).notNullable();
    t.string('base', 32).notNullable();
    t.string('quote', 32).notNullable();
    t.enu('side', ['buy', 'sell']).notNullable();
    t.enu('type', ['market', 'limit']).notNullable();
    t.enu('status', ['open', 'closed', 'canceled']).notNullable();
    t.decimal('amount', 36, 18).notNullable();
    t.decimal('price', 36, 18).nullable();
    t.decimal('filled', 36, 18).notNullable().defaultTo(0);
    t.decimal('average', 36, 18).nullable();
    t.decimal('cost', 36, 18).notNullable().defaultTo(0);
    t.decimal('fee', 36, 18).nullable();
    // What an open order locks, to give back on cancel or fill.
    t.decimal('reserved', 36, 18).notNullable().defaultTo(0);
    t.decimal('maker_fee', 36, 18).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['broker_id', 'client_order_id']);
    t.index(['broker_id', 'status']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('paper_orders');
}
