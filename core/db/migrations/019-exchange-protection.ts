import type { Knex } from 'knex';

/**
 * Stop-loss and take-profit resting at the exchange. An activation chooses where its levels are watched
 * (`protection`: the bot's minute check, or orders at the exchange); a protective order is a trade of type
 * `stop_limit` (its trigger in `stop_price`) or `limit`, naming the position it protects and, for Binance's OCO, the
 * order list both legs belong to.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('active_strategies', (t) => {
    t.string('protection', 10).notNullable().defaultTo('bot');
  });
  await knex.raw(
    `ALTER TABLE active_strategies ADD CONSTRAINT active_strategies_protection_check
       CHECK (protection IN ('bot', 'exchange'))`,
  );
  await knex.raw('ALTER TABLE trades DROP CONSTRAINT trades_type_check');
  await knex.raw(`ALTER TABLE trades ADD CONSTRAINT trades_type_check CHECK (type IN ('market', 'limit', 'stop_limit'))`);
  await knex.schema.alterTable('trades', (t) => {
    t.decimal('stop_price', 36, 18).nullable();
    t.string('order_list_id', 64).nullable();
    t.bigInteger('protects_position_id').nullable().references('positions.id').onDelete('SET NULL');
    t.index(['protects_position_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('trades', (t) => {
    t.dropColumn('protects_position_id');
    t.dropColumn('order_list_id');
    t.dropColumn('stop_price');
  });
  await knex('trades').where({ type: 'stop_limit' }).update({ type: 'limit' });
  await knex.raw('ALTER TABLE trades DROP CONSTRAINT trades_type_check');
  await knex.raw(`ALTER TABLE trades ADD CONSTRAINT trades_type_check CHECK (type IN ('market', 'limit'))`);
  await knex.schema.alterTable('active_strategies', (t) => {
    t.dropColumn('protection');
  });
}
