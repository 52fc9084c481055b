import type { Knex } from 'knex';

const money = (t: Knex.CreateTableBuilder, name: string) => t.decimal(name, 36, 18);

/**
 * Parameter sweeps: one `sweeps` row per optimisation asked for, one `sweep_runs` row per combination and phase
 * (`in` on the in-sample dates, `out` for the best ones re-run on the out-of-sample dates). A run's row is unique by
 * (sweep, phase, index), so a retried job or a second worker writes it once. Backtests remember the parameter values
 * they ran with (null: the strategy's defaults).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sweeps', (t) => {
    t.bigIncrements('id');
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.bigInteger('strategy_id').nullable().references('strategies.id').onDelete('SET NULL');
    t.string('source', 64).notNullable();
    t.string('symbol', 50).notNullable();
    t.string('timeframe', 8).notNullable();
    t.timestamp('start_date', { useTz: true }).notNullable();
    t.timestamp('end_date', { useTz: true }).notNullable();
    t.timestamp('oos_start', { useTz: true }).nullable();
    t.timestamp('oos_end', { useTz: true }).nullable();
    t.integer('oos_top').notNullable().defaultTo(0);
    money(t, 'initial_amount').notNullable();
    money(t, 'fee').notNullable();
    money(t, 'slippage').notNullable();
    t.string('fill', 16).notNullable();
    t.string('market', 16).notNullable();
    // What was asked: the ranges or lists by parameter, the constraints as written, the sampling.
    t.jsonb('grid').notNullable();
    t.jsonb('constraints').notNullable().defaultTo('[]');
    t.integer('max_runs').notNullable();
    t.integer('combinations').notNullable();
    t.string('rank_by', 32).notNullable();
    t.string('status', 20).notNullable().defaultTo('queued');
    t.string('phase', 8).notNullable().defaultTo('in');
    t.text('error_message').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('started_at', { useTz: true }).nullable();
    t.timestamp('finished_at', { useTz: true }).nullable();
    t.index(['user_id', 'created_at']);
  });

  await knex.schema.createTable('sweep_runs', (t) => {
    t.bigIncrements('id');
    t.bigInteger('sweep_id').notNullable().references('sweeps.id').onDelete('CASCADE');
    t.string('phase', 8).notNullable();
    t.integer('index').notNullable();
    t.jsonb('params').notNullable();
    t.string('status', 20).notNullable().defaultTo('queued');
    t.jsonb('stats').nullable();
    money(t, 'final_amount').nullable();
    // The ranking metric of this run (null when undefined for it, e.g. a Sharpe without trades): ranked last.
    t.double('metric').nullable();
    t.text('error_message').nullable();
    t.integer('duration_ms').nullable();
    // Which worker process ran it (host:pid): the page shows how the sweep was spread.
    t.string('worker', 100).nullable();
    t.timestamp('finished_at', { useTz: true }).nullable();
    t.unique(['sweep_id', 'phase', 'index']);
  });

  await knex.schema.alterTable('backtest_results', (t) => {
    t.jsonb('params').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('backtest_results', (t) => {
    t.dropColumn('params');
  });
  await knex.schema.dropTable('sweep_runs');
  await knex.schema.dropTable('sweeps');
}
