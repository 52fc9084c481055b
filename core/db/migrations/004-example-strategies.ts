import type { Knex } from 'knex';
import { seedExampleStrategy } from '../example-strategy';

/** Users created before strategies existed get the example too (new users get it when they register). */
export async function up(knex: Knex): Promise<void> {
  const users: { id: number }[] = await knex('users').select('id');
  for (const user of users) await seedExampleStrategy(knex, Number(user.id));
}

export async function down(): Promise<void> {}
