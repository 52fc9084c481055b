import type { Knex } from 'knex';

/**
 * The balance history of the Statistiques page: a broker's holdings valued in USDT, on the hour and after its fills.
 * A snapshot that could not be taken (exchange unreachable) is a row too, with a null value and its reason, so the
 * page shows a hole for that hour, never a zero. `key` makes a snapshot once: `hour:<ISO hour>` or `trade:<id>`.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('balance_snapshots', (t) => {
    t.bigIncrements('id');
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.bigInteger('broker_id').notNullable().references('brokers.id').onDelete('CASCADE');
    t.string('key', 64).notNullable();
    t.timestamp('time', { useTz: true }).notNullable();
    t.decimal('value_usdt', 36, 18).nullable();
    // Per asset: total held and the USDT price it was valued at (null when the exchange lists none).
    t.jsonb('holdings').nullable();
    t.text('missing_reason').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['broker_id', 'key']);
    t.index(['user_id', 'time']);
    t.index(['broker_id', 'time']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('balance_snapshots');
}
