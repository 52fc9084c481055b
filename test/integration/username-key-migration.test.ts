// Migration 006 adds users.username_key and backfills it. Two existing names that fold to one key cannot both keep
// their name: the migration refuses and names them rather than choose whose account to rename. Each scenario runs
// in a transaction that is rolled back, on a users table put back as it was before the migration.
import type { Knex } from 'knex';
import { createDb } from '../../core/db/knex';
import { down, keyCollisions, up } from '../../core/db/migrations/006-username-key';
import { uniqueName } from '../helpers/app';

let db: Knex;
beforeAll(() => {
  db = createDb(process.env.DATABASE_URL!, { min: 0, max: 1 }, { bindModels: false });
});
afterAll(() => db.destroy());

/** Runs `scenario` on the schema before 006, then rolls everything back. */
async function beforeMigration(scenario: (trx: Knex.Transaction) => Promise<void>): Promise<void> {
  const rollback = new Error('rollback');
  await expect(
    db.transaction(async (trx) => {
      await down(trx);
      await scenario(trx);
      throw rollback;
    }),
  ).rejects.toBe(rollback);
}

it('backfills the key of every existing user and indexes it', async () => {
  const name = uniqueName('Ｍixed');
  await beforeMigration(async (trx) => {
    await trx('users').insert({ username: name, password_hash: 'x' });
    await up(trx);
    const row = await trx('users').where({ username: name }).first();
    expect(row.username_key).toBe(name.replace('Ｍ', 'm').toLowerCase());
    expect((await trx('users').whereNull('username_key')).length).toBe(0);
    await expect(
      trx('users').insert({ username: name.toUpperCase(), username_key: row.username_key, password_hash: 'x' }),
    ).rejects.toThrow(/users_username_key_unique/);
  });
});

it('refuses, naming both accounts, when two existing names fold to one key', async () => {
  const base = uniqueName('k');
  // A full-width letter: PostgreSQL's lower() keeps it apart, so the old index let both names in.
  const lookalike = `Ｋ${base.slice(1)}`;
  await beforeMigration(async (trx) => {
    await trx('users').insert({ username: base, password_hash: 'x' });
    await trx('users').insert({ username: lookalike, password_hash: 'x' });
    await expect(up(trx)).rejects.toThrow(new RegExp(`${base} \\(#\\d+\\) / ${lookalike} \\(#\\d+\\)`));
  });
});

it('lists colliding names oldest first', () => {
  expect(
    keyCollisions([
      { id: 7, username: 'Bob' },
      { id: 3, username: 'ｂｏｂ' },
      { id: 5, username: 'alice' },
    ]),
  ).toEqual([['ｂｏｂ (#3)', 'Bob (#7)']]);
});
