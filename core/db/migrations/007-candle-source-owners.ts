import ccxt from 'ccxt';
import type { Knex } from 'knex';

/**
 * Imported candle sources get an owner. Until now an import's name was its key in `candles`, listed to every user
 * and writable by all. From here an import is a `candle_sources` row (owner, name) whose candles are stored under
 * an internal key, so names never collide between users.
 *
 * Sources imported before this have no record of who imported them. They are kept readable by every user and
 * writable by none (`user_id` NULL): giving them to one user (the first admin, say) would guess, and would break
 * the charts and re-runs of everyone else's backtests on them; as they were already readable by all, nothing new
 * is disclosed, and the hole that let anyone add rows to them is closed.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('candle_sources', (t) => {
    t.bigIncrements('id');
    t.bigInteger('user_id').nullable().references('users.id').onDelete('CASCADE');
    t.string('name', 64).notNullable();
    // The value of candles.source for this import: `import:<uuid>`, or the old name for a legacy source.
    t.string('candle_key', 64).notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['user_id', 'name']);
  });
  await knex.raw('CREATE UNIQUE INDEX candle_sources_legacy_name ON candle_sources (name) WHERE user_id IS NULL');
  // Exchange ids as this version of ccxt knows them (and the built-in paper exchange): everything else was imported.
  const exchanges = new Set([...ccxt.exchanges, 'paper']);
  const sources: { source: string }[] = await knex('candles').distinct('source');
  const legacy = sources.map((r) => r.source).filter((s) => !exchanges.has(s));
  if (legacy.length) {
    await knex('candle_sources').insert(legacy.map((name) => ({ user_id: null, name, candle_key: name })));
  }
}

export async function down(knex: Knex): Promise<void> {
  // Without candle_sources, candles under an internal key would show as a source named `import:<uuid>`.
  await knex('candles').where('source', 'like', 'import:%').delete();
  await knex.schema.dropTable('candle_sources');
}
