/// <reference lib="dom" />
// Strategies and Backtest pages in Chromium: the seeded example in the CodeMirror editor, "Tester la syntaxe" with
// an error shown on its line, a strategy saved there offered by the Backtest and Trading BOT forms without a reload,
// then a backtest of the example on real candles downloaded from the fake Binance, followed live to its statistics,
// charts and trades.
import type { Browser, Page } from 'playwright-core';
import { BACKTEST_TIMEFRAME_NAMES } from '../../core/candles/backtest-timeframes';
import { listen, uniqueName } from '../helpers/app';
import { startBacktestWorker } from '../helpers/brokers';
import { launchBrowser, registeredPage, screenshot, textOf } from '../helpers/browser';
import { btcHourlyCandles } from '../helpers/market-data';
import { startTradingStack } from '../helpers/trading';

describe('strategies and backtest pages', () => {
  let stack: Awaited<ReturnType<typeof startTradingStack>>;
  let server: { url: string; close(): Promise<void> };
  let host: { close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  const rows = btcHourlyCandles(40_000, 41_500);

  beforeAll(async () => {
    stack = await startTradingStack({}, false);
    stack.fake.history.set('BTCUSDT:1h', rows);
    const { app } = stack;
    host = await startBacktestWorker(app);
    server = await listen(app);
    browser = await launchBrowser();
    page = await registeredPage(browser, server.url, uniqueName('Bt'), { width: 1500, height: 1000 });
    await page.getByTestId('statusbar').waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server.close();
    await host.close();
    await stack.close();
  });

  it('shows the example in the editor, checks it, and marks an error on its line', async () => {
    await page.goto(`${server.url}/strategies`);
    await page.getByTestId('strategy-item').first().waitFor();
    expect(await page.getByTestId('strategy-name').inputValue()).toBe('Exemple EMA 10/20');
    await page.locator('.cm-content').getByText('crossedAbove').waitFor();
    await page.getByTestId('strategy-validate').click();
    await page.getByTestId('strategy-validation').getByText('Syntaxe OK').waitFor();
    await screenshot(page, 'strategies');

    await page.getByTestId('strategy-new').click();
    await page.locator('.cm-content').getByText('MaNouvelleStrategie').waitFor();
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\nclass Deux extends Strategy {}');
    await page.getByTestId('strategy-validate').click();
    const error = page.getByTestId('strategy-validation').locator('.form-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('exactement une classe qui étend Strategy (trouvé : 2)');
    expect(await page.locator('.cm-lintRange-error').count()).toBeGreaterThan(0);
  });

  it('asks before dropping unsaved edits or saving code that fails the check; reads in the dark theme', async () => {
    await page.goto(`${server.url}/strategies`);
    await page.getByTestId('strategy-item').first().click();
    await page.locator('.cm-content').getByText('crossedAbove').first().waitFor();
    // Method names on the dark background: light enough to read (CodeMirror's default is dark blue).
    const luminance = await page.evaluate(() => {
      const token = Array.from(document.querySelectorAll('.cm-content span')).find(
        (el) => el.textContent === 'shouldLong',
      );
      const [r, g, b] = getComputedStyle(token!).color.match(/\d+/g)!.map(Number);
      return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    });
    expect(luminance).toBeGreaterThan(0.45);
    await screenshot(page, 'strategies-dark-editor');

    // An edit, then another strategy asked for: the page asks, and staying keeps the edit.
    await page.getByTestId('strategy-name').fill('Exemple modifié');
    await page.getByTestId('strategy-new').click();
    expect(await textOf(page, 'confirm-message')).toBe(
      '« Exemple modifié » a des modifications non enregistrées. Les abandonner ?',
    );
    await page.getByTestId('confirm-cancel').click();
    expect(await page.getByTestId('strategy-name').inputValue()).toBe('Exemple modifié');
    // Leaving the page asks too; dropping the edit lets it go.
    await page.getByRole('link', { name: 'Backtest' }).click();
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('backtest-form').waitFor();
    await page.goto(`${server.url}/strategies`);
    await page.locator('.cm-content').getByText('crossedAbove').first().waitFor();
    expect(await page.getByTestId('strategy-name').inputValue()).toBe('Exemple EMA 10/20');

    // Saving code that fails the check asks first; « Corriger d'abord » stores nothing.
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\nclass Deux extends Strategy {}');
    await page.getByTestId('strategy-save').click();
    expect(await textOf(page, 'confirm-message')).toContain('exactement une classe qui étend Strategy (trouvé : 2)');
    expect(await textOf(page, 'confirm-message')).toContain('Enregistrer ce code quand même ?');
    await page.getByTestId('confirm-cancel').click();
    // A reload is the browser's own question (beforeunload), which Playwright answers for us.
    await page.goto(`${server.url}/strategies`);
    await page.locator('.cm-content').getByText('crossedAbove').first().waitFor();
    expect(await page.locator('.cm-content').textContent()).not.toContain('class Deux');
  });

  it('offers a strategy created, renamed or deleted to the Backtest and Trading BOT forms without a reload', async () => {
    const link = (name: string) => page.locator('aside').getByRole('link', { name });
    const offered = (testId: string) => page.getByTestId(testId).locator('option').allTextContents();
    await page.goto(`${server.url}/strategies`);
    await page.getByTestId('strategy-item').first().waitFor();
    // Both forms opened before the changes: what they offer after them is the list the changes refreshed.
    await link('Backtest').click();
    await page.getByTestId('backtest-form').waitFor();
    await link('Trading BOT').click();
    await page.getByTestId('activation-form').waitFor();

    await link('Stratégies').click();
    await page.getByTestId('strategy-new').click();
    await page.getByTestId('strategy-name').fill('Zeta');
    await page.getByTestId('strategy-save').click();
    await page.getByTestId('strategy-item').filter({ hasText: 'Zeta' }).waitFor();
    await page.getByTestId('strategy-name').fill('Zeta renommée');
    await page.getByTestId('strategy-save').click();
    await page.getByTestId('strategy-item').filter({ hasText: 'Zeta renommée' }).waitFor();
    await link('Backtest').click();
    await page.getByTestId('backtest-strategy').locator('option', { hasText: 'Zeta' }).waitFor({ state: 'attached' });
    expect(await offered('backtest-strategy')).toEqual(['Exemple EMA 10/20 (1h)', 'Zeta renommée (1h)']);
    await link('Trading BOT').click();
    await page.getByTestId('activation-strategy').locator('option', { hasText: 'Zeta' }).waitFor({ state: 'attached' });
    expect(await offered('activation-strategy')).toEqual(['Exemple EMA 10/20', 'Zeta renommée']);

    await link('Stratégies').click();
    await page.getByTestId('strategy-item').filter({ hasText: 'Zeta renommée' }).click();
    await page.getByTestId('strategy-delete').click();
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('strategy-item').filter({ hasText: 'Zeta' }).waitFor({ state: 'detached' });
    await link('Backtest').click();
    await page.getByTestId('backtest-form').waitFor();
    expect(await offered('backtest-strategy')).toEqual(['Exemple EMA 10/20 (1h)']);
  });

  it('runs a backtest: both progress bars, statistics, charts with markers and the trades', async () => {
    await page.goto(`${server.url}/backtest`);
    await page.getByTestId('backtest-form').waitFor();
    await page.getByTestId('backtest-source').selectOption('binance');
    await page.getByTestId('backtest-symbol').fill('BTC/USDT');
    // The server's list, 10m included (built from 5m candles on Binance, which has none).
    expect(await page.getByTestId('backtest-timeframe').locator('option').allTextContents()).toEqual(
      BACKTEST_TIMEFRAME_NAMES,
    );
    await page.getByTestId('backtest-timeframe').selectOption('1h');
    await page.getByTestId('backtest-from').fill(new Date(rows[0][0]).toISOString().slice(0, 10));
    await page.getByTestId('backtest-to').fill(new Date(rows[1400][0]).toISOString().slice(0, 10));
    await page.getByTestId('backtest-launch').click();
    await page.getByTestId('backtest-stats').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('backtest-stats').textContent()).toContain('Taux de réussite');
    expect(await page.getByTestId('backtest-trades').locator('tbody tr').count()).toBeGreaterThan(5);
    // Sides and exit reasons in words, not the stored codes.
    const tradesText = (await page.getByTestId('backtest-trades').textContent()) ?? '';
    expect(tradesText).toContain('Long');
    expect(tradesText).not.toMatch(/stop_loss|take_profit|\blong\b/);
    await page.getByTestId('backtest-candles').locator('canvas').first().waitFor();
    expect(await page.getByTestId('backtest-progress').textContent()).toContain('Simulation 100 %');
    await page.waitForTimeout(300);
    await screenshot(page, 'backtest');
    expect(await page.getByTestId('backtest-run').count()).toBe(1);
  });

  it('fills the form again from a run, stops a download where it was, and deletes a run once confirmed', async () => {
    // « Relancer »: the run's settings back in the form.
    await page.getByTestId('backtest-from').fill('2020-01-01');
    await page.getByTestId('backtest-fill').selectOption('next_open');
    await page.getByTestId('backtest-rerun').click();
    expect(await page.getByTestId('backtest-from').inputValue()).toBe(new Date(rows[0][0]).toISOString().slice(0, 10));
    expect(await page.getByTestId('backtest-to').inputValue()).toBe(new Date(rows[1400][0]).toISOString().slice(0, 10));
    expect(await page.getByTestId('backtest-fill').inputValue()).toBe('close');

    // A slow download, cancelled: its bar says so where it stopped, the simulation's stays empty.
    stack.fake.klinesDelayMs = 400;
    await page.getByTestId('backtest-symbol').fill('ETH/USDT');
    await page.getByTestId('backtest-from').fill('2022-01-01');
    await page.getByTestId('backtest-to').fill('2022-07-01');
    await page.getByTestId('backtest-launch').click();
    await page.getByTestId('backtest-cancel').click();
    expect(await textOf(page, 'confirm-message')).toContain('Les bougies déjà téléchargées sont gardées');
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('backtest-loading-bar').getByText('interrompu').waitFor({ timeout: 10_000 });
    expect(await textOf(page, 'backtest-running-bar')).toBe('Simulation —');
    stack.fake.klinesDelayMs = 0;
    await screenshot(page, 'backtest-cancelled-download');

    // « Effacer » asks first, then the run leaves the list.
    expect(await page.getByTestId('backtest-run').count()).toBe(2);
    await page.getByTestId('backtest-delete').click();
    expect(await textOf(page, 'confirm-message')).toContain('Effacer ce backtest, ses trades et sa courbe');
    await page.getByTestId('confirm-ok').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="backtest-run"]').length === 1);
    expect(await textOf(page, 'backtest-progress')).toContain('Exemple EMA 10/20 — BTC/USDT 1h');
  });
});
