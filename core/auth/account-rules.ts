/** What a username and a password must be: the server's schemas and the registration form's checklist read these. */
export const ACCOUNT_RULES = {
  username: { min: 3, max: 32, pattern: /^[A-Za-z0-9_.-]+$/ },
  password: { min: 8, max: 200 },
} as const;

export type AccountRule = 'usernameLength' | 'usernameChars' | 'passwordLength' | 'passwordsMatch';

/** Each rule of the registration form, met or not by what is typed (the username trimmed, as the server does). */
export function accountChecklist(username: string, password: string, confirm: string): Record<AccountRule, boolean> {
  const name = username.trim();
  const { username: u, password: p } = ACCOUNT_RULES;
  return {
    usernameLength: name.length >= u.min && name.length <= u.max,
    usernameChars: name.length > 0 && u.pattern.test(name),
    passwordLength: password.length >= p.min && password.length <= p.max,
    passwordsMatch: password.length > 0 && password === confirm,
  };
}
