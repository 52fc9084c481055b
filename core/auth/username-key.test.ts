// usernameKey folds short names only: normalising a long run of combining marks takes time quadratic in its length
// (100,000 marks held the web process for 15 s), and no account has a name past 32 characters.
import { USERNAME_KEY_MAX_LENGTH, usernameKey } from './username-key';

it('folds a name of up to 64 characters, surrounding blanks aside', () => {
  expect(usernameKey(`  ${'Ａ'.repeat(USERNAME_KEY_MAX_LENGTH)}  `)).toBe('a'.repeat(USERNAME_KEY_MAX_LENGTH));
});

it('refuses a longer one at once, before normalising it', () => {
  const started = Date.now();
  expect(() => usernameKey('a' + '\u0316\u0301'.repeat(50_000))).toThrow(RangeError);
  expect(() => usernameKey('a'.repeat(USERNAME_KEY_MAX_LENGTH + 1))).toThrow(RangeError);
  expect(Date.now() - started).toBeLessThan(100);
});
