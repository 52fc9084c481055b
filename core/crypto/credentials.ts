import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** An exchange account's secrets: only the fields its exchange requires (apiKey, secret, password, uid…). */
export type Credentials = Record<string, string>;

const VERSION = 'v1';

const keys = new Map<string, Buffer>();

/**
 * A key for one purpose, derived from SECRET_KEY: rotating the purpose string never reuses a key. Derived once per
 * secret (a process has one), not on every decryption.
 */
function key(secret: string): Buffer {
  let derived = keys.get(secret);
  if (!derived) {
    derived = Buffer.from(hkdfSync('sha256', secret, 'aristobot', 'broker-credentials v1', 32));
    keys.set(secret, derived);
  }
  return derived;
}

/**
 * AES-256-GCM, stored as `v1:iv:tag:ciphertext` (base64). The owner's id is bound as additional data, so a blob
 * copied into another user's row does not decrypt.
 */
export function encryptCredentials(credentials: Credentials, secret: string, ownerId: number): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(secret), iv);
  cipher.setAAD(Buffer.from(`user:${ownerId}`));
  const body = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
}

export function decryptCredentials(blob: string, secret: string, ownerId: number): Credentials {
  const [version, iv, tag, body] = blob.split(':');
  if (version !== VERSION || !iv || !tag || !body) throw new Error('format de secrets inconnu');
  const decipher = createDecipheriv('aes-256-gcm', key(secret), Buffer.from(iv, 'base64'));
  decipher.setAAD(Buffer.from(`user:${ownerId}`));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  const text = Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  return JSON.parse(text) as Credentials;
}

/** What the UI may show of the credentials: the first and last characters of the API key. */
export function credentialsHint(credentials: Credentials): string {
  const apiKey = credentials.apiKey ?? Object.values(credentials)[0] ?? '';
  if (apiKey.length <= 8) return '••••';
  return `${apiKey.slice(0, 4)}…${apiKey.slice(-4)}`;
}
