/// <reference lib="dom" />
// The login page, the "nouveau compte" modal, sign-out, debug mode and the theme switch, in a real Chromium
// against the real app. Each scenario saves a screenshot under test-results/screenshots/.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { seedUsers } from '../../core/db/seed';
import { listen, startTestApp, uniqueName, type TestApp } from '../helpers/app';
import { launchBrowser, screenshot } from '../helpers/browser';
import { until } from '../helpers/wait';

let app: TestApp;
let server: { url: string; close(): Promise<void> };
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  app = await startTestApp({ DEBUG_ARISTOBOT: 'true' });
  await seedUsers({ dev: 'dev-password-1', dac: 'dac-password-1' });
  await app.db('debug_mode').update({ is_active: false });
  server = await listen(app);
  browser = await launchBrowser();
}, 60_000);

beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
  page = await context.newPage();
});

afterEach(() => context.close());

afterAll(async () => {
  await browser?.close();
  await app.db('debug_mode').update({ is_active: false });
  await server.close();
  await app.close();
});

async function register(username: string, password = 'password-123'): Promise<void> {
  await page.goto(server.url);
  await page.getByTestId('open-register').click();
  await page.getByTestId('register-username').fill(username);
  await page.getByTestId('register-password').fill(password);
  await page.getByTestId('register-confirm').fill(password);
}

it('shows the account rules before anything is sent, ticked as they are met', async () => {
  await page.goto(server.url);
  await page.getByTestId('open-register').click();
  const met = async () =>
    page
      .getByTestId('register-rules')
      .locator('li.met')
      .evaluateAll((items) => items.map((li) => li.getAttribute('data-testid')));
  expect(await met()).toEqual([]);
  expect(await page.getByTestId('register-rules').textContent()).toContain('Mot de passe : 8 caractères au moins');
  await page.getByTestId('register-username').fill('ab');
  await page.getByTestId('register-password').fill('short');
  expect(await met()).toEqual(['rule-usernameChars']);
  await page.getByTestId('register-username').fill('anna_b');
  await page.getByTestId('register-password').fill('password-123');
  await page.getByTestId('register-confirm').fill('password-12');
  expect(await met()).toEqual(['rule-usernameLength', 'rule-usernameChars', 'rule-passwordLength']);
  await page.getByTestId('register-confirm').fill('password-123');
  expect(await met()).toHaveLength(4);
  await screenshot(page, 'register-rules');
});

it('registers through the modal and lands in the app', async () => {
  const username = uniqueName('Ana');
  await register(username);
  await screenshot(page, 'register-modal');
  await page.getByTestId('register-submit').click();
  await page.getByTestId('statusbar').waitFor();
  await page.getByText('Heartbeat inactif').waitFor();
  await expectText(page.locator('aside'), username);
  await expectText(page.locator('aside'), 'Mon Compte');
  await screenshot(page, 'app-after-register');
  expect(await app.db('users').where({ username }).first()).toBeDefined();
});

it('shows the server error beside the field in the modal', async () => {
  await register(uniqueName('Bo'), 'short');
  await page.getByTestId('register-submit').click();
  await expectText(page.getByTestId('register-form'), 'Mot de passe : 8 caractères au moins');
});

it('logs out and back in, and explains a wrong password in French', async () => {
  const username = uniqueName('Cy');
  await register(username);
  await page.getByTestId('register-submit').click();
  await page.getByTestId('logout').click();
  await page.getByTestId('login-form').waitFor();
  expect(new URL(page.url()).pathname).toBe('/login');

  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill('wrong-password');
  await page.getByTestId('login-submit').click();
  await expectText(page.getByTestId('login-error'), "Nom d'utilisateur ou mot de passe incorrect");
  await screenshot(page, 'login-wrong-password');

  await page.getByTestId('login-password').fill('password-123');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('statusbar').waitFor();
  await page.goto(`${server.url}/compte`);
  await expectText(page.locator('main'), `Connecté en tant que ${username}`);
});

it('debug mode: the switch signs in as dev and the status bar says "Debug actif"', async () => {
  await page.goto(server.url);
  await page.getByTestId('debug-block').waitFor();
  await screenshot(page, 'login-debug-switch');
  await page.getByTestId('debug-switch').check({ force: true });
  await page.getByTestId('status-debug').waitFor();
  await expectText(page.getByTestId('status-debug'), 'Debug actif');
  await expectText(page.locator('aside'), 'dev');
  await screenshot(page, 'debug-mode-signed-in');
  expect((await app.db('debug_mode').first()).is_active).toBe(true);

  // Back on the login page the switch is ON and the fields are disabled; turning it off gives them back.
  await page.getByTestId('logout').click();
  await page.getByTestId('login-form').waitFor();
  await page.getByTestId('debug-switch').waitFor({ state: 'attached' });
  expect(await page.getByTestId('debug-switch').isChecked()).toBe(true);
  expect(await page.getByTestId('login-username').isDisabled()).toBe(true);
  await page.getByTestId('debug-switch').uncheck({ force: true });
  await page.waitForFunction(
    () => !(document.querySelector('[data-testid=login-username]') as HTMLInputElement).disabled,
  );
  expect((await app.db('debug_mode').first()).is_active).toBe(false);
});

it('debug mode: the status bar badge leaves it once confirmed, the session stays signed in', async () => {
  await page.goto(server.url);
  await page.getByTestId('debug-switch').check({ force: true });
  await page.getByTestId('status-debug').click();
  await expectText(page.getByTestId('confirm-message'), 'Quitter le mode développement ?');
  await page.getByTestId('confirm-cancel').click();
  expect((await app.db('debug_mode').first()).is_active).toBe(true);
  await page.getByTestId('status-debug').click();
  await page.getByTestId('confirm-ok').click();
  await page.getByTestId('status-debug').waitFor({ state: 'detached' });
  expect((await app.db('debug_mode').first()).is_active).toBe(false);
  await expectText(page.locator('aside'), 'dev');
  await page.getByTestId('logout').click();
  await page.getByTestId('login-form').waitFor();
  expect(await page.getByTestId('login-username').isDisabled()).toBe(false);
});

it('switches to the light theme, keeps it across reloads, and back', async () => {
  await register(uniqueName('Di'));
  await page.getByTestId('register-submit').click();
  await page.getByTestId('statusbar').waitFor();
  await page.locator('aside').getByText('Mon Compte').click();
  await screenshot(page, 'account-dark');
  await page.getByTestId('theme-light').click();
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).toBe('rgb(243, 245, 249)');
  await page.mouse.move(0, 0);
  await page.waitForTimeout(300);
  await screenshot(page, 'account-light');

  await page.reload();
  await page.getByTestId('statusbar').waitFor();
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
  expect(await page.evaluate(() => localStorage.getItem('aristobot.prefs'))).toContain('"theme":"light"');

  await page.getByTestId('theme-dark').click();
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
});

it("writes dates with their zone: UTC, or the browser's own by its offset", async () => {
  await context.close();
  context = await browser.newContext({ viewport: { width: 1280, height: 760 }, timezoneId: 'Asia/Kolkata' });
  page = await context.newPage();
  await register(uniqueName('Tz'));
  await page.getByTestId('register-submit').click();
  await page.getByTestId('statusbar').waitFor();
  await page.locator('aside').getByText('Mon Compte').click();
  await page.getByText(/^Heure affichée maintenant : \d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d UTC$/).waitFor();
  await page.getByTestId('timezone').selectOption('local');
  await page.getByText(/^Heure affichée maintenant : \d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d UTC\+5:30$/).waitFor();
});

it('changes the password: the browser goes on in a new session, its realtime socket reconnects', async () => {
  const username = uniqueName('Ed');
  await register(username);
  await page.getByTestId('register-submit').click();
  await page.getByTestId('statusbar').waitFor();
  await page.locator('aside').getByText('Mon Compte').click();
  await page.locator('.realtime').waitFor({ state: 'detached' });
  const sid = async () => (await context.cookies()).find((c) => c.name === 'aristobot.sid')?.value;
  const before = await sid();

  await page.locator('#current').fill('password-123');
  await page.locator('#new').fill('new-password-1');
  await page.getByTestId('password-form').locator('button[type=submit]').click();
  await page.getByTestId('password-saved').waitFor();
  expect(await sid()).not.toBe(before);
  // The server closed the old session's socket; the page opens one for the new session and hears its events.
  const { id } = await app.db('users').where({ username }).first();
  await until(async () => {
    await app.publisher.publish(
      'account:updated',
      { theme: 'light', displayTimezone: 'UTC', language: 'fr' },
      { userId: id },
    );
    await page.waitForTimeout(200);
    return page.evaluate(() => document.documentElement.dataset.theme === 'light');
  }, 10_000);
  // The new session's CSRF token came with the answer: the next change goes through.
  await page.getByTestId('theme-dark').click();
  await until(async () => (await app.db('users').where({ id }).first()).theme === 'dark', 10_000);
});

async function expectText(locator: ReturnType<Page['locator']>, text: string): Promise<void> {
  await locator.getByText(text, { exact: false }).first().waitFor({ timeout: 10_000 });
}
