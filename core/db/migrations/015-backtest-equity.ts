import type { Knex } from 'knex';

/**
 * A backtest's equity at every candle (the chart's curve in `stats` is sampled to 1,000 points): float64 pairs
 * (open time ms, equity) in one bytea, 16 bytes a candle (8 MB for a year of 1m candles). A table of its own, so
 * that reading runs never loads it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('backtest_equity', (t) => {
    t.bigInteger('backtest_id').primary().references('backtest_results.id').onDelete('CASCADE');
    t.binary('points').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('backtest_equity');
}
