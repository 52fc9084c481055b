import type { Knex } from 'knex';

/**
 * Live trading. An activation gets a state instead of a flag (active, suspended by its user or after errors,
 * stopped), its market and budget, the last close it evaluated (evaluations never go back in time) and its last
 * error. A position remembers the trades that opened and closed it, its fees and realised P&L, and how far its
 * stop-loss and take-profit were checked; an activation holds at most one open position.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('active_strategies', (t) => {
    t.dropIndex(['timeframe', 'is_active']);
    t.dropColumn('is_active');
    t.string('state', 12).notNullable().defaultTo('active');
    // Why a suspended activation is: its user, three errors in a row, or the emergency stop.
    t.string('suspended_by', 12).nullable();
    t.string('market', 8).notNullable().defaultTo('spot');
    t.decimal('budget', 36, 18).nullable();
    t.timestamp('last_close_time', { useTz: true }).nullable();
    t.text('last_error').nullable();
    t.timestamp('last_error_at', { useTz: true }).nullable();
    t.integer('error_count').notNullable().defaultTo(0);
    t.index(['timeframe', 'state']);
  });
  await knex.raw(
    `ALTER TABLE active_strategies ADD CONSTRAINT active_strategies_state_check
       CHECK (state IN ('active', 'suspended', 'stopped')),
     ADD CONSTRAINT active_strategies_market_check CHECK (market IN ('spot', 'futures'))`,
  );
  await knex.schema.alterTable('positions', (t) => {
    t.bigInteger('entry_trade_id').nullable().references('trades.id').onDelete('SET NULL');
    t.bigInteger('exit_trade_id').nullable().references('trades.id').onDelete('SET NULL');
    t.decimal('entry_fee', 36, 18).nullable();
    t.decimal('exit_price', 36, 18).nullable();
    t.decimal('realized_pnl', 36, 18).nullable();
    t.string('exit_reason', 16).nullable();
    // The stop-loss and take-profit were checked against the 1m candles up to here.
    t.timestamp('checked_until', { useTz: true }).nullable();
  });
  await knex.raw(
    `CREATE UNIQUE INDEX positions_one_open_per_activation ON positions (active_strategy_id)
       WHERE status = 'open' AND active_strategy_id IS NOT NULL`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX positions_one_open_per_activation');
  await knex.schema.alterTable('positions', (t) => {
    t.dropColumns('entry_trade_id', 'exit_trade_id', 'entry_fee', 'exit_price', 'realized_pnl', 'exit_reason');
    t.dropColumn('checked_until');
  });
  await knex.schema.alterTable('active_strategies', (t) => {
    t.dropIndex(['timeframe', 'state']);
    t.dropChecks(['active_strategies_state_check', 'active_strategies_market_check']);
    t.dropColumns('state', 'suspended_by', 'market', 'budget', 'last_close_time', 'last_error', 'last_error_at');
    t.dropColumn('error_count');
    t.boolean('is_active').notNullable().defaultTo(false);
    t.index(['timeframe', 'is_active']);
  });
}
