import type { Knex } from 'knex';

/** Money, prices and quantities: exact decimals, never floats. */
const money = (t: Knex.CreateTableBuilder, name: string) => t.decimal(name, 36, 18);

function timestamps(t: Knex.CreateTableBuilder, knex: Knex) {
  t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.bigIncrements('id');
    t.string('username', 150).notNullable();
    t.text('password_hash').notNullable();
    t.boolean('is_admin').notNullable().defaultTo(false);
    t.bigInteger('default_broker_id').nullable();
    t.enu('ai_provider', ['none', 'openrouter', 'ollama']).notNullable().defaultTo('none');
    t.text('ai_api_key_enc').nullable();
    t.text('ai_ollama_url').nullable();
    t.string('ai_model', 200).nullable();
    t.enu('display_timezone', ['UTC', 'local']).notNullable().defaultTo('UTC');
    t.enu('theme', ['dark', 'light']).notNullable().defaultTo('dark');
    t.enu('language', ['fr', 'en']).notNullable().defaultTo('fr');
    timestamps(t, knex);
  });
  await knex.raw('CREATE UNIQUE INDEX users_username_lower_unique ON users (lower(username))');

  await knex.schema.createTable('debug_mode', (t) => {
    t.integer('id').primary();
    t.boolean('is_active').notNullable().defaultTo(false);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('ALTER TABLE debug_mode ADD CONSTRAINT debug_mode_singleton CHECK (id = 1)');
  await knex('debug_mode').insert({ id: 1, is_active: false });

  await knex.schema.createTable('brokers', (t) => {
    t.bigIncrements('id');
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('name', 100).notNullable();
    t.string('exchange', 64).notNullable();
    // Every credential the exchange requires, as one AES-256-GCM blob; the hint is what the UI may show.
    t.text('credentials_enc').nullable();
    t.string('credentials_hint', 64).nullable();
    t.boolean('is_default').notNullable().defaultTo(false);
    t.boolean('is_testnet').notNullable().defaultTo(false);
    t.boolean('is_active').notNullable().defaultTo(true);
    t.timestamp('validated_at', { useTz: true }).nullable();
    timestamps(t, knex);
    t.unique(['user_id', 'name']);
    t.index(['exchange']);
  });
  await knex.raw('CREATE UNIQUE INDEX brokers_one_default_per_user ON brokers (user_id) WHERE is_default');
  await knex.schema.alterTable('users', (t) => {
    t.foreign('default_broker_id').references('brokers.id').onDelete('SET NULL');
  });

  await knex.schema.createTable('exchange_symbols', (t) => {
    t.bigIncrements('id');
    t.string('exchange', 64).notNullable();
    t.string('symbol', 100).notNullable();
    t.string('base', 50).notNullable();
    t.string('quote', 50).notNullable();
    t.boolean('active').notNullable().defaultTo(true);
    t.string('type', 20).notNullable();
    money(t, 'min_amount').nullable();
    money(t, 'max_amount').nullable();
    money(t, 'min_cost').nullable();
    money(t, 'amount_precision').nullable();
    money(t, 'price_precision').nullable();
    money(t, 'maker_fee').nullable();
    money(t, 'taker_fee').nullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['exchange', 'symbol']);
    t.index(['exchange', 'active']);
    t.index(['symbol']);
  });

  await knex.schema.createTable('heartbeat_status', (t) => {
    t.bigIncrements('id');
    t.boolean('is_connected').notNullable().defaultTo(false);
    t.timestamp('last_application_start', { useTz: true }).nullable();
    t.timestamp('last_application_stop', { useTz: true }).nullable();
    t.text('last_error').nullable();
    t.timestamp('last_error_at', { useTz: true }).nullable();
    t.jsonb('symbols_monitored').notNullable().defaultTo('[]');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('candles_heartbeat', (t) => {
    t.bigIncrements('id');
    t.bigInteger('heartbeat_status_id').nullable().references('heartbeat_status.id').onDelete('SET NULL');
    t.string('symbol', 50).notNullable();
    t.string('signal_type', 8).notNullable();
    t.timestamp('received_at', { useTz: true }).notNullable();
    t.timestamp('candle_time', { useTz: true }).notNullable();
    t.boolean('backfilled').notNullable().defaultTo(false);
    t.unique(['symbol', 'signal_type', 'candle_time']);
    t.index(['signal_type', 'candle_time']);
  });

  await knex.schema.createTable('candles', (t) => {
    t.bigIncrements('id');
    // The exchange id (binance, kraken…) or the name of an import source: candles are shared by every user.
    t.string('source', 64).notNullable();
    t.string('symbol', 50).notNullable();
    t.string('timeframe', 8).notNullable();
    t.timestamp('open_time', { useTz: true }).notNullable();
    t.timestamp('close_time', { useTz: true }).notNullable();
    money(t, 'open').notNullable();
    money(t, 'high').notNullable();
    money(t, 'low').notNullable();
    money(t, 'close').notNullable();
    money(t, 'volume').notNullable();
    t.boolean('backfilled').notNullable().defaultTo(false);
    t.unique(['source', 'symbol', 'timeframe', 'open_time']);
    t.index(['source', 'symbol', 'timeframe', 'close_time']);
  });

  await knex.schema.createTable('strategies', (t) => {
    t.bigIncrements('id');
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('name', 100).notNullable();
    t.text('description').notNullable().defaultTo('');
    t.string('timeframe', 8).notNullable();
    t.text('code').notNullable();
    timestamps(t, knex);
    t.unique(['user_id', 'name']);
  });

  await knex.schema.createTable('active_strategies', (t) => {
    t.bigIncrements('id');
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.bigInteger('strategy_id').notNullable().references('strategies.id').onDelete('CASCADE');
    t.bigInteger('broker_id').notNullable().references('brokers.id').onDelete('CASCADE');
    t.string('symbol', 50).notNullable();
    t.string('timeframe', 8).notNullable();
    t.timestamp('start_date', { useTz: true }).notNullable();
    t.timestamp('end_date', { useTz: true }).notNullable();
    t.boolean('is_active').notNullable().defaultTo(false);
    timestamps(t, knex);
    t.index(['timeframe', 'is_active']);
    t.index(['user_id']);
  });

  await knex.schema.createTable('webhooks', (t) => {
    t.bigIncrements('id');
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('source', 64).notNullable().defaultTo('tradingview');
    t.jsonb('payload').nullable();
    t.text('raw_body').notNullable();
    t.string('status', 20).notNullable().defaultTo('received');
    t.text('error_message').nullable();
    t.timestamp('processed_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['user_id', 'created_at']);
  });

  await knex.schema.createTable('trades', (t) => {
    t.bigIncrements('id');
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.bigInteger('broker_id').nullable().references('brokers.id').onDelete('SET NULL');
    t.bigInteger('strategy_id').nullable().references('strategies.id').onDelete('SET NULL');
    t.bigInteger('active_strategy_id').nullable().references('active_strategies.id').onDelete('SET NULL');
    t.bigInteger('webhook_id').nullable().references('webhooks.id').onDelete('SET NULL');
    t.enu('source', ['manual', 'strategy', 'webhook']).notNullable();
    // Deterministic, derived from the job that asked for the order: the key of exactly-once placement.
    t.string('client_order_id', 64).nullable().unique();
    t.string('exchange_order_id', 100).nullable();
    t.string('symbol', 50).notNullable();
    t.enu('side', ['buy', 'sell']).notNullable();
    t.enu('type', ['market', 'limit']).notNullable();
    money(t, 'quantity').nullable();
    money(t, 'quote_amount').nullable();
    money(t, 'price').nullable();
    money(t, 'filled_quantity').nullable();
    money(t, 'average_price').nullable();
    money(t, 'fee').nullable();
    t.string('fee_currency', 20).nullable();
    t.string('status', 20).notNullable();
    t.string('error_code', 64).nullable();
    t.text('error_message').nullable();
    money(t, 'profit_loss').nullable();
    t.timestamp('executed_at', { useTz: true }).nullable();
    timestamps(t, knex);
    t.index(['user_id', 'created_at']);
    t.index(['broker_id', 'status']);
  });

  await knex.schema.createTable('positions', (t) => {
    t.bigIncrements('id');
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.bigInteger('broker_id').notNullable().references('brokers.id').onDelete('CASCADE');
    t.bigInteger('active_strategy_id').nullable().references('active_strategies.id').onDelete('SET NULL');
    t.string('symbol', 50).notNullable();
    t.enu('side', ['long', 'short']).notNullable();
    money(t, 'quantity').notNullable();
    money(t, 'entry_price').notNullable();
    money(t, 'current_price').nullable();
    money(t, 'stop_loss').nullable();
    money(t, 'take_profit').nullable();
    money(t, 'unrealized_pnl').nullable();
    t.enu('status', ['open', 'closed']).notNullable().defaultTo('open');
    t.timestamp('opened_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('closed_at', { useTz: true }).nullable();
    t.index(['user_id', 'status']);
  });

  await knex.schema.createTable('backtest_results', (t) => {
    t.bigIncrements('id');
    t.bigInteger('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.bigInteger('strategy_id').nullable().references('strategies.id').onDelete('SET NULL');
    t.bigInteger('broker_id').nullable().references('brokers.id').onDelete('SET NULL');
    t.string('source', 64).notNullable();
    t.string('symbol', 50).notNullable();
    t.string('timeframe', 8).notNullable();
    t.timestamp('start_date', { useTz: true }).notNullable();
    t.timestamp('end_date', { useTz: true }).notNullable();
    money(t, 'initial_amount').notNullable();
    money(t, 'final_amount').nullable();
    money(t, 'fee').notNullable();
    money(t, 'slippage').notNullable();
    t.string('fill', 16).notNullable();
    t.string('market', 16).notNullable();
    t.string('status', 20).notNullable().defaultTo('queued');
    t.integer('progress').notNullable().defaultTo(0);
    t.text('error_message').nullable();
    t.integer('total_trades').nullable();
    t.integer('winning_trades').nullable();
    t.integer('losing_trades').nullable();
    money(t, 'max_drawdown').nullable();
    t.double('sharpe_ratio').nullable();
    t.jsonb('stats').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true }).nullable();
    t.index(['user_id', 'created_at']);
  });

  await knex.schema.createTable('backtest_trades', (t) => {
    t.bigIncrements('id');
    t.bigInteger('backtest_id').notNullable().references('backtest_results.id').onDelete('CASCADE');
    t.enu('side', ['long', 'short']).notNullable();
    t.timestamp('entry_time', { useTz: true }).notNullable();
    t.timestamp('exit_time', { useTz: true }).nullable();
    money(t, 'entry_price').notNullable();
    money(t, 'exit_price').nullable();
    money(t, 'quantity').notNullable();
    money(t, 'fees').notNullable();
    money(t, 'pnl').nullable();
    money(t, 'balance_after').nullable();
    t.string('exit_reason', 32).nullable();
    t.index(['backtest_id']);
  });

  await knex.schema.createTable('alerts', (t) => {
    t.bigIncrements('id');
    // NULL for system alerts (heartbeat incoherent…), a user's id for that user's alerts.
    t.bigInteger('user_id').nullable().references('users.id').onDelete('CASCADE');
    t.string('kind', 64).notNullable();
    t.enu('severity', ['info', 'warning', 'critical']).notNullable().defaultTo('warning');
    t.text('message').notNullable();
    t.jsonb('details').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('resolved_at', { useTz: true }).nullable();
    t.index(['kind', 'resolved_at']);
  });

  // The table connect-pg-simple expects.
  await knex.schema.createTable('sessions', (t) => {
    t.string('sid').primary();
    t.json('sess').notNullable();
    t.timestamp('expire', { precision: 6 }).notNullable().index();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'sessions',
    'alerts',
    'backtest_trades',
    'backtest_results',
    'positions',
    'trades',
    'webhooks',
    'active_strategies',
    'strategies',
    'candles',
    'candles_heartbeat',
    'heartbeat_status',
    'exchange_symbols',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
  await knex.schema.alterTable('users', (t) => t.dropForeign(['default_broker_id']));
  await knex.schema.dropTableIfExists('brokers');
  await knex.schema.dropTableIfExists('debug_mode');
  await knex.schema.dropTableIfExists('users');
}
