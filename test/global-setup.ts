import { createDb, migrateLatest } from '../core/db/knex';
import { createRedis } from '../core/redis';

/** Brings the test database to the latest schema and empties the test Redis DB, once per run. */
export default async function globalSetup(): Promise<void> {
  const { DATABASE_URL, REDIS_URL } = process.env;
  if (!DATABASE_URL || !REDIS_URL) {
    throw new Error('DATABASE_URL et REDIS_URL manquent : lancez les tests avec `npm test`, qui les provisionne.');
  }
  const db = createDb(DATABASE_URL, { min: 0, max: 1 });
  await migrateLatest(db);
  await db.destroy();
  const redis = createRedis(REDIS_URL);
  await redis.flushdb();
  await redis.quit();
}
