import type { Knex } from 'knex';
import { usernameKey } from '../../auth/username-key';

/**
 * Groups of existing usernames that fold to one key, each as "name (#id)", oldest first: they cannot both keep
 * their name under the new unique index.
 */
export function keyCollisions(users: { id: number | string; username: string }[]): string[][] {
  const byKey = new Map<string, { id: number; username: string }[]>();
  for (const user of users) {
    const key = usernameKey(user.username);
    byKey.set(key, [...(byKey.get(key) ?? []), { id: Number(user.id), username: user.username }]);
  }
  return [...byKey.values()]
    .filter((group) => group.length > 1)
    .map((group) => group.sort((a, b) => a.id - b.id).map((u) => `${u.username} (#${u.id})`));
}

/**
 * `users.username_key`: the username in the one folded form that lookups, the login limiter and the unique index
 * compare (see core/auth/username-key.ts). It replaces the index on PostgreSQL's `lower(username)`, whose folding
 * differed from the limiter's. Existing rows are backfilled with the same function; if two existing names fold to
 * one key the migration refuses (nothing is changed) and names them: an operator renames one, then migrates again.
 * Choosing for them would silently lock someone out of their account.
 */
export async function up(knex: Knex): Promise<void> {
  const users: { id: string; username: string }[] = await knex('users').select('id', 'username');
  const collisions = keyCollisions(users);
  if (collisions.length > 0) {
    throw new Error(
      `Migration 006-username-key : ces noms d'utilisateur deviennent identiques une fois normalisés ` +
        `(NFKC, casse) : ${collisions.map((group) => group.join(' / ')).join(' ; ')}. ` +
        `Renommez l'un de chaque groupe (UPDATE users SET username = … WHERE id = …) puis relancez la migration.`,
    );
  }
  await knex.schema.alterTable('users', (t) => t.text('username_key').nullable());
  for (const user of users) {
    await knex('users')
      .where({ id: user.id })
      .update({ username_key: usernameKey(user.username) });
  }
  await knex.raw('ALTER TABLE users ALTER COLUMN username_key SET NOT NULL');
  await knex.raw('CREATE UNIQUE INDEX users_username_key_unique ON users (username_key)');
  await knex.raw('DROP INDEX IF EXISTS users_username_lower_unique');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('CREATE UNIQUE INDEX IF NOT EXISTS users_username_lower_unique ON users (lower(username))');
  await knex.schema.alterTable('users', (t) => t.dropColumn('username_key'));
}
