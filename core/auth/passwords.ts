import { hash, verify } from '@node-rs/argon2';

// argon2id with the library's defaults (19 MiB, 2 passes): memory-hard, ~20 ms here.
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the time of one verification for a name that has no account, so that the answer's delay does not tell
 * which names exist (a known name cost ~200 ms of argon2, an unknown one ~30 ms). The hash is made once, with the
 * same parameters as real ones.
 */
export async function verifyWithoutAccount(password: string): Promise<false> {
  dummyHash ??= hash('aristobot: no account has this password');
  await verifyPassword(await dummyHash, password);
  return false;
}
