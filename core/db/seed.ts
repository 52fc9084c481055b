import { randomBytes } from 'node:crypto';
import { hashPassword } from '../auth/passwords';
import { User } from './models';

export interface SeededUser {
  username: string;
  /** Set only when the password was generated now: shown once, never stored in clear. */
  generatedPassword?: string;
}

/**
 * Creates `dac` (admin) and `dev` (a normal user, the one debug mode signs in as) when missing. Their passwords come
 * from DAC_PASSWORD / DEV_PASSWORD, or are generated and returned to be printed once.
 */
export async function seedUsers(passwords: { dac?: string; dev?: string }): Promise<SeededUser[]> {
  const created: SeededUser[] = [];
  for (const [username, isAdmin, given] of [
    ['dac', true, passwords.dac],
    ['dev', false, passwords.dev],
  ] as const) {
    if (await User.query().where({ username }).first()) continue;
    const password = given ?? randomBytes(12).toString('base64url');
    await User.query().insert({ username, is_admin: isAdmin, password_hash: await hashPassword(password) });
    created.push({ username, generatedPassword: given ? undefined : password });
  }
  return created;
}
