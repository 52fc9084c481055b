import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';
import { PROJECT_ROOT, UI_DIST } from '../../core/paths';

export const SCREENSHOTS = path.join(PROJECT_ROOT, 'test-results', 'screenshots');

/** Debian's Chromium, headless, with the flags this closed network needs. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(path.join(UI_DIST, 'index.html'))) {
    throw new Error(`L'interface n'est pas compilée (${UI_DIST}) : npm test la compile avant les tests navigateur.`);
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/**
 * A screenshot of an element's tooltip: headless Chromium paints no native `title` tooltip, so its text is drawn
 * under the element, as the browser would show it, for the picture only.
 */
export async function screenshotWithTooltip(page: Page, target: Locator, name: string): Promise<void> {
  await target.hover();
  await target.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const tip = document.createElement('div');
    tip.id = 'screenshot-tooltip';
    tip.textContent = element.getAttribute('title');
    Object.assign(tip.style, {
      position: 'fixed',
      left: `${box.left + 12}px`,
      top: `${box.bottom + 6}px`,
      padding: '3px 7px',
      background: '#f5f5f5',
      color: '#222',
      border: '1px solid #999',
      font: '12px sans-serif',
      boxShadow: '1px 1px 3px rgba(0, 0, 0, 0.4)',
      zIndex: '10000',
      whiteSpace: 'nowrap',
    });
    document.body.append(tip);
  });
  await screenshot(page, name);
  await page.evaluate(() => document.getElementById('screenshot-tooltip')?.remove());
}

/**
 * Picks the display language on the Compte page and waits until the server has stored it: the next full load takes the
 * language from the account, so leaving before the reply would bring the previous one back.
 */
export async function chooseLanguage(page: Page, language: 'fr' | 'en'): Promise<void> {
  if ((await page.getByTestId('language').inputValue()) === language) return;
  const saved = page.waitForResponse(
    (res) => res.url().endsWith('/api/auth/preferences') && res.request().method() === 'PUT' && res.ok(),
  );
  await page.getByTestId('language').selectOption(language);
  await saved;
}

/** Visible text of a test id, runs of spaces (the French no-break ones included) written as one plain space. */
export async function textOf(page: Page, testId: string): Promise<string> {
  return ((await page.getByTestId(testId).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/**
 * A new page signed in as a fresh user, registered through the login page's modal; `options` set the rest of its
 * context (a `timezoneId` for the browser's zone).
 */
export async function registeredPage(
  browser: Browser,
  url: string,
  username: string,
  viewport: { width: number; height: number },
  options: BrowserContextOptions = {},
): Promise<Page> {
  const page = await (await browser.newContext({ ...options, viewport })).newPage();
  await page.goto(url);
  await page.getByTestId('open-register').click();
  await page.getByTestId('register-username').fill(username);
  await page.getByTestId('register-password').fill('password-123');
  await page.getByTestId('register-confirm').fill('password-123');
  await page.getByTestId('register-submit').click();
  return page;
}
