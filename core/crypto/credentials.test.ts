// Exchange credentials at rest: readable back only with the same SECRET_KEY and for the same owner.
import { credentialsHint, decryptCredentials, encryptCredentials } from './credentials';

const SECRET = 'a-secret-key-of-at-least-thirty-two-chars';
const creds = {
  apiKey: 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A',
  secret: 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j',
};

it('round-trips and never stores the secret in clear', () => {
  const blob = encryptCredentials(creds, SECRET, 7);
  expect(blob).toMatch(/^v1:[^:]+:[^:]+:[^:]+$/);
  expect(blob).not.toContain(creds.apiKey.slice(0, 10));
  expect(decryptCredentials(blob, SECRET, 7)).toEqual(creds);
  expect(encryptCredentials(creds, SECRET, 7)).not.toBe(blob);
});

it('refuses another key, another owner, or a tampered blob', () => {
  const blob = encryptCredentials(creds, SECRET, 7);
  expect(() => decryptCredentials(blob, `${SECRET}x`, 7)).toThrow();
  expect(() => decryptCredentials(blob, SECRET, 8)).toThrow();
  const [v, iv, tag, body] = blob.split(':');
  const flipped = Buffer.from(body!, 'base64');
  flipped[0] = flipped[0]! ^ 1;
  expect(() => decryptCredentials([v, iv, tag, flipped.toString('base64')].join(':'), SECRET, 7)).toThrow();
});

it('hints at the key without revealing it', () => {
  expect(credentialsHint(creds)).toBe('vmPU…Eh8A');
  expect(credentialsHint({ apiKey: 'short' })).toBe('••••');
});
