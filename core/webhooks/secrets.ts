import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { decryptCredentials, encryptCredentials } from '../crypto/credentials';

/**
 * A source's token: 32 random bytes (256 bits) in base64url, so a URL cannot be guessed, and nothing in it tells one
 * user's sources from another's.
 */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What a request's token is looked up by: the database never holds a token it could hand out. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The token as stored to show its URL to its owner again: encrypted, bound to the owner like broker credentials. */
export function sealToken(token: string, secret: string, ownerId: number): string {
  return encryptCredentials({ token }, secret, ownerId);
}

export function openToken(sealed: string, secret: string, ownerId: number): string {
  return decryptCredentials(sealed, secret, ownerId).token;
}

const keys = new Map<string, Buffer>();

function passphraseKey(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', secret, 'aristobot', 'webhook-passphrase v1', 32));
    keys.set(secret, key);
  }
  return key;
}

/**
 * A keyed hash, not a password hash: every request of the source is checked against it (a thousand a second must
 * stay cheap), and the passphrase sits next to a 256-bit token that is the real secret of the URL.
 */
export function passphraseHash(passphrase: string, secret: string, ownerId: number): string {
  return createHmac('sha256', passphraseKey(secret)).update(`${ownerId}:${passphrase}`).digest('hex');
}

export function passphraseMatches(given: string, stored: string, secret: string, ownerId: number): boolean {
  const expected = Buffer.from(stored, 'hex');
  const actual = Buffer.from(passphraseHash(given, secret, ownerId), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
