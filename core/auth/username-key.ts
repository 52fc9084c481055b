/** Longer than any name the API accepts (registered names are at most 32 ASCII characters): never folded. */
export const USERNAME_KEY_MAX_LENGTH = 64;

/**
 * The one form of a username that lookups, the unique index and the login limiter compare: NFKC (full-width and
 * compatibility letters become plain ones), then one case fold. Computed here only, never by PostgreSQL, whose
 * `lower()` folds by the database's locale (`lower('İ')` is `i` there, `i̇` in JavaScript): two foldings were how
 * a look-alike name got a fresh allowance of attempts yet signed in as another user.
 *
 * The fold is upper-then-lower case, which gives Unicode's full case folding for the letters that matter here
 * (`ß`→`ss`, `K` Kelvin→`k`), with the final sigma that lower case keeps folded to `σ`; NFKC again afterwards keeps
 * the result stable.
 *
 * Refuses (RangeError) a name longer than USERNAME_KEY_MAX_LENGTH once trimmed: normalising a long run of combining
 * marks takes time quadratic in its length (100,000 marks held the event loop for 15 s).
 */
export function usernameKey(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length > USERNAME_KEY_MAX_LENGTH) {
    throw new RangeError(`username longer than ${USERNAME_KEY_MAX_LENGTH} characters`);
  }
  return trimmed.normalize('NFKC').toUpperCase().toLowerCase().replace(/ς/g, 'σ').normalize('NFKC');
}
