import { isUniqueViolation } from '../db/errors';
import type { Knex } from 'knex';
import { AuthenticationError, ConflictError, ValidationError } from '../errors';
import { User } from '../db/models';
import { parse, z } from '../validation';
import { createPaperBroker } from '../brokers/paper-account';
import { seedExampleStrategy } from '../db/example-strategy';
import { ACCOUNT_RULES } from './account-rules';
import { hashPassword, verifyPassword, verifyWithoutAccount } from './passwords';
import { USERNAME_KEY_MAX_LENGTH, usernameKey } from './username-key';

const { username: U, password: P } = ACCOUNT_RULES;
const username = z
  .string({ error: 'obligatoire' })
  .trim()
  .min(U.min, { error: `${U.min} caractères au moins` })
  .max(U.max, { error: `${U.max} caractères au plus` })
  .regex(U.pattern, { error: 'lettres, chiffres, « _ », « . » et « - » seulement' });
const password = z
  .string({ error: 'obligatoire' })
  .min(P.min, { error: `${P.min} caractères au moins` })
  .max(P.max, { error: `${P.max} caractères au plus` });

export const registerSchema = z.object({ username, password });
export const loginSchema = z.object({
  // No registered name is longer (see `username`); a longer one would only cost time to fold (username-key.ts).
  username: z
    .string({ error: 'obligatoire' })
    .trim()
    .min(1, { error: 'obligatoire' })
    .max(USERNAME_KEY_MAX_LENGTH, { error: `${USERNAME_KEY_MAX_LENGTH} caractères au plus` }),
  password: z.string({ error: 'obligatoire' }).min(1, { error: 'obligatoire' }),
});
export const changePasswordSchema = z.object({
  currentPassword: z.string({ error: 'obligatoire' }).min(1, { error: 'obligatoire' }),
  newPassword: password,
});
export const preferencesSchema = z
  .object({
    theme: z.enum(['dark', 'light']).optional(),
    displayTimezone: z.enum(['UTC', 'local']).optional(),
    language: z.enum(['fr', 'en']).optional(),
  })
  .strict();

const LABELS = {
  username: "Nom d'utilisateur",
  password: 'Mot de passe',
  currentPassword: 'Mot de passe actuel',
  newPassword: 'Nouveau mot de passe',
  theme: 'Thème',
  displayTimezone: 'Fuseau horaire',
  language: 'Langue',
};

/** What the API and the browser see of a user: never the hash, never a key. */
export interface PublicUser {
  id: number;
  username: string;
  isAdmin: boolean;
  theme: User['theme'];
  displayTimezone: User['display_timezone'];
  language: User['language'];
  defaultBrokerId: number | null;
  createdAt: string;
}

export function toPublicUser(user: User): PublicUser {
  return {
    id: user.id,
    username: user.username,
    isAdmin: user.is_admin,
    theme: user.theme,
    displayTimezone: user.display_timezone,
    language: user.language,
    defaultBrokerId: user.default_broker_id,
    createdAt: new Date(user.created_at).toISOString(),
  };
}

/** The user of this name as typed in any case or compatibility form: the same key as the login limiter's. */
export async function findByUsername(name: string, trx?: Knex): Promise<User | undefined> {
  return User.query(trx)
    .where({ username_key: usernameKey(name) })
    .first();
}

/** Creates an account; a name that folds to a taken one (another letter case, full-width letters) is refused. */
export async function register(
  input: unknown,
  options: { isAdmin?: boolean; paperStartingUsdt?: string } = {},
): Promise<User> {
  const data = parse(registerSchema, input, LABELS);
  if (await findByUsername(data.username)) {
    throw new ConflictError("Ce nom d'utilisateur est déjà pris", 'username', 'USERNAME_TAKEN');
  }
  const passwordHash = await hashPassword(data.password);
  try {
    return await User.transaction(async (trx) => {
      const user = await User.query(trx).insertAndFetch({
        username: data.username,
        password_hash: passwordHash,
        is_admin: options.isAdmin ?? false,
      });
      user.default_broker_id = await createPaperBroker(trx, user.id, options.paperStartingUsdt ?? '10000');
      await seedExampleStrategy(trx, user.id);
      return user;
    });
  } catch (error) {
    // Two registrations racing for one name: the unique index decides.
    if (isUniqueViolation(error)) {
      throw new ConflictError("Ce nom d'utilisateur est déjà pris", 'username', 'USERNAME_TAKEN');
    }
    throw error;
  }
}

/** The user whose credentials these are; one message for unknown user and wrong password, so names do not leak. */
export async function authenticate(input: unknown): Promise<User> {
  const data = parse(loginSchema, input, LABELS);
  const user = await findByUsername(data.username);
  const ok = user ? await verifyPassword(user.password_hash, data.password) : await verifyWithoutAccount(data.password);
  if (!user || !ok) {
    throw new AuthenticationError("Nom d'utilisateur ou mot de passe incorrect", 'INVALID_CREDENTIALS');
  }
  return user;
}

export async function changePassword(user: User, input: unknown): Promise<void> {
  const data = parse(changePasswordSchema, input, LABELS);
  if (!(await verifyPassword(user.password_hash, data.currentPassword))) {
    throw new ValidationError('Mot de passe actuel : incorrect', 'currentPassword', 'WRONG_PASSWORD');
  }
  await User.query()
    .findById(user.id)
    .patch({ password_hash: await hashPassword(data.newPassword) });
}

export async function updatePreferences(user: User, input: unknown): Promise<User> {
  const data = parse(preferencesSchema, input, LABELS);
  const patch: Partial<User> = {};
  if (data.theme) patch.theme = data.theme;
  if (data.displayTimezone) patch.display_timezone = data.displayTimezone;
  if (data.language) patch.language = data.language;
  return User.query().patchAndFetchById(user.id, patch);
}
