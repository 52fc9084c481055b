import type { Knex } from 'knex';

/**
 * TradingView webhooks. A user's webhook source holds its token (hashed for the lookup of every request, encrypted to
 * show its URL to its owner), the broker and defaults its signals trade with and its optional hardening. Every request
 * to a known token is stored before anything else, with its headers, what the parser understood, its status and the
 * trade it led to. A source tracks its positions like an activation does: at most one open per symbol.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('webhook_sources', (t) => {
    t.bigIncrements('id');
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('name', 100).notNullable();
    // SHA-256 of the token: a request is matched without the token being readable in the database.
    t.string('token_hash', 64).notNullable().unique();
    t.text('token_encrypted').notNullable();
    t.bigInteger('broker_id').notNullable().references('brokers.id').onDelete('CASCADE');
    t.string('symbol', 50).nullable();
    t.string('size_kind', 12).nullable();
    t.decimal('size_value', 36, 18).nullable();
    t.string('market', 8).notNullable().defaultTo('spot');
    t.jsonb('actions').notNullable();
    t.text('passphrase_hash').nullable();
    t.boolean('ip_allowlist').notNullable().defaultTo(false);
    t.integer('replay_window_s').nullable();
    t.integer('dedupe_window_s').notNullable().defaultTo(60);
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['user_id']);
  });
  await knex.raw(
    `ALTER TABLE webhook_sources
       ADD CONSTRAINT webhook_sources_market_check CHECK (market IN ('spot', 'futures')),
       ADD CONSTRAINT webhook_sources_size_check CHECK (
         (size_kind IS NULL AND size_value IS NULL)
         OR (size_kind IN ('quantity', 'quoteAmount', 'percent') AND size_value > 0))`,
  );

  await knex.schema.alterTable('webhooks', (t) => {
    t.bigInteger('source_id').nullable().references('webhook_sources.id').onDelete('SET NULL');
    t.jsonb('headers').nullable();
    t.renameColumn('payload', 'parsed');
    t.renameColumn('error_message', 'reason');
    t.bigInteger('trade_id').nullable().references('trades.id').onDelete('SET NULL');
    // The `id` the body carried, and the SHA-256 of the body: what duplicates are recognised by.
    t.string('body_id', 200).nullable();
    t.string('body_hash', 64).nullable();
    t.index(['source_id', 'created_at']);
    t.index(['source_id', 'body_hash', 'created_at']);
    t.index(['source_id', 'body_id']);
  });
  await knex.raw(
    `ALTER TABLE webhooks ADD CONSTRAINT webhooks_status_check
       CHECK (status IN ('received', 'processed', 'failed', 'rejected', 'duplicate'))`,
  );

  await knex.schema.alterTable('positions', (t) => {
    t.bigInteger('webhook_source_id').nullable().references('webhook_sources.id').onDelete('SET NULL');
  });
  await knex.raw(
    `CREATE UNIQUE INDEX positions_one_open_per_webhook_symbol ON positions (webhook_source_id, symbol)
       WHERE status = 'open' AND webhook_source_id IS NOT NULL`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX positions_one_open_per_webhook_symbol');
  await knex.schema.alterTable('positions', (t) => t.dropColumn('webhook_source_id'));
  await knex.schema.alterTable('webhooks', (t) => {
    t.dropChecks(['webhooks_status_check']);
    t.dropIndex(['source_id', 'created_at']);
    t.dropIndex(['source_id', 'body_hash', 'created_at']);
    t.dropIndex(['source_id', 'body_id']);
    t.dropColumns('source_id', 'headers', 'trade_id', 'body_id', 'body_hash');
    t.renameColumn('parsed', 'payload');
    t.renameColumn('reason', 'error_message');
  });
  await knex.schema.dropTable('webhook_sources');
}
