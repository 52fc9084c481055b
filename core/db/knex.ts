import knexFactory, { type Knex } from 'knex';
import { Model } from 'objection';
import pg from 'pg';
import { migrationSource } from './migrations';

// PostgreSQL bigint (ids, counts) as JS numbers: ids stay far below 2^53. Numeric stays a string (exact money).
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

/** Knex settings for a database URL; shared by the app, the CLI knexfile and the tests. */
export function knexConfig(databaseUrl: string, pool = { min: 0, max: 10 }): Knex.Config {
  return {
    client: 'pg',
    connection: databaseUrl,
    pool,
    migrations: { migrationSource, tableName: 'knex_migrations' },
  };
}

/**
 * Opens a Knex instance and binds the Objection models to it. The binding is process-wide: a second pool that must
 * not take the models over (a test's side connection) passes `bindModels: false`.
 */
export function createDb(
  databaseUrl: string,
  pool?: { min: number; max: number },
  options: { bindModels?: boolean } = {},
): Knex {
  const db = knexFactory(knexConfig(databaseUrl, pool));
  if (options.bindModels ?? true) Model.knex(db);
  return db;
}

export async function migrateLatest(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest()) as [number, string[]];
  return applied;
}
