/// <reference lib="dom" />
// The Backtest page's Optimisation tab in Chromium: a strategy that declares its periods as parameters, a grid with a
// constraint checked before sending, the sweep followed live over two sweep workers on candles downloaded from the
// fake Binance, then its heatmap, the out-of-sample table, and a full backtest launched from a row.
import type { Browser, Page } from 'playwright-core';
import { TUNABLE_EMA_CROSS } from '../../core/sandbox/templates';
import { listen, uniqueName } from '../helpers/app';
import { startBacktestWorker, startSweepWorker } from '../helpers/brokers';
import { launchBrowser, registeredPage, screenshot, textOf } from '../helpers/browser';
import { btcHourlyCandles } from '../helpers/market-data';
import { startTradingStack } from '../helpers/trading';

describe('optimisation tab', () => {
  let stack: Awaited<ReturnType<typeof startTradingStack>>;
  let server: { url: string; close(): Promise<void> };
  const workers: { close(): Promise<void> }[] = [];
  let browser: Browser;
  let page: Page;
  const rows = btcHourlyCandles(20_000, 21_500);
  const day = (k: number) => new Date(rows[k][0]).toISOString().slice(0, 10);

  beforeAll(async () => {
    stack = await startTradingStack({}, false);
    stack.fake.history.set('BTCUSDT:1h', rows);
    const { app } = stack;
    workers.push(await startSweepWorker(app, 'worker-a'), await startSweepWorker(app, 'worker-b'));
    workers.push(await startBacktestWorker(app));
    server = await listen(app);
    browser = await launchBrowser();
    page = await registeredPage(browser, server.url, uniqueName('Sw'), { width: 1500, height: 1700 });
    await page.getByTestId('statusbar').waitFor();
    const created = await page.evaluate(async (code) => {
      const { token } = (await (await fetch('/api/auth/csrf')).json()) as { token: string };
      const res = await fetch('/api/strategies', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token },
        body: JSON.stringify({ name: 'EMA réglable', timeframe: '1h', code }),
      });
      return res.status;
    }, TUNABLE_EMA_CROSS);
    expect(created).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server.close();
    for (const worker of workers) await worker.close();
    await stack.close();
  });

  it('sweeps a grid over the workers and shows the heatmap and the out-of-sample check', async () => {
    await page.goto(`${server.url}/backtest`);
    await page.getByTestId('tab-optimisation').click();
    await page.getByTestId('sweep-form').waitFor();
    expect(page.url()).toContain('tab=optimisation');
    // The seeded example declares nothing: the form says how to.
    await page.getByTestId('sweep-strategy').selectOption({ label: 'Exemple EMA 10/20 (1h)' });
    await page.getByTestId('sweep-no-params').getByText('static params').waitFor();
    await page.getByTestId('sweep-strategy').selectOption({ label: 'EMA réglable (1h)' });
    await page.getByTestId('sweep-vary-slow').waitFor();
    // Both declared ranges, varied by default: fast 5–30 by 5 × slow 10–60 by 10.
    expect(await textOf(page, 'sweep-count')).toBe('36 combinaisons');

    // A wrong line is named before anything is sent, and the button waits for it to be fixed.
    await page.getByTestId('sweep-min-slow').fill('70');
    await page.getByText('Paramètre slow : min doit être inférieur ou égal à max').waitFor();
    expect(await page.getByTestId('sweep-launch').isDisabled()).toBe(true);
    await page.getByTestId('sweep-min-slow').fill('10');

    await page.getByTestId('sweep-source').selectOption('binance');
    await page.getByTestId('sweep-symbol').fill('BTC/USDT');
    await page.getByTestId('sweep-timeframe').selectOption('1h');
    await page.getByTestId('sweep-from').fill(day(0));
    await page.getByTestId('sweep-to').fill(day(1000));
    await page.getByTestId('sweep-oos-from').fill(day(1000));
    await page.getByTestId('sweep-oos-to').fill(day(1450));
    // Constraints are read as the server reads them: one naming a parameter the strategy lacks is named before
    // anything is sent; a good one gives the count that will run.
    await page.getByTestId('sweep-constraints').fill('fast < period');
    await page.getByTestId('sweep-launch').click();
    await page.getByText('Contrainte « fast < period » : period n’est pas un paramètre de la stratégie').waitFor();
    expect(await page.getByTestId('sweep-item').count()).toBe(0);
    await page.getByTestId('sweep-constraints').fill('fast < slow');
    expect(await textOf(page, 'sweep-count')).toBe('27 combinaisons');
    await page.getByTestId('sweep-launch').click();

    await page.getByTestId('sweep-status').getByText('terminée').waitFor({ timeout: 60_000 });
    // fast < slow leaves out 9 of the 36 (slow 10 with fast 10…30, slow 20 with fast 20…30, slow 30 with fast 30).
    expect(await page.getByTestId('sweep-row').count()).toBe(27);
    expect(await textOf(page, 'sweep-count-done')).toContain('Hors échantillon : 5 / 5 backtests');
    const cells = page.getByTestId('heatmap-cell');
    expect(await cells.count()).toBe(36);
    expect(await page.getByTestId('sweep-heatmap').locator('td.empty').count()).toBe(9);
    expect(await page.getByTestId('sweep-oos-row').count()).toBe(5);
    const workersShown = await page.getByTestId('sweep-results').locator('td.worker').allTextContents();
    expect(new Set(workersShown)).toEqual(new Set(['worker-a', 'worker-b']));
    await page.getByTestId('sweep-progress').scrollIntoViewIfNeeded();
    await screenshot(page, 'sweep-results');

    // Sorted by final balance, best first; the heatmap's best cell is that run.
    await page.getByTestId('sweep-sort-finalAmount').click();
    await page.getByTestId('sweep-sort-finalAmount').click();
    const first = (await page.getByTestId('sweep-row').first().locator('td').allTextContents()).slice(0, 3);
    const best = page.getByTestId('heatmap-cell').filter({ hasText: first[2] });
    await best.first().click();
    expect(await textOf(page, 'sweep-chosen')).toContain(`fast = ${first[0]}`);
    expect(await textOf(page, 'sweep-chosen')).toContain(`slow = ${first[1]}`);
  });

  it('launches a full backtest of a row with its values', async () => {
    const row = page.getByTestId('sweep-row').first();
    const [fast, slow, final] = (await row.locator('td').allTextContents()).slice(0, 3);
    await row.getByTestId('sweep-row-backtest').click();
    await page.getByTestId('backtest-stats').waitFor({ timeout: 20_000 });
    expect(page.url()).not.toContain('tab=optimisation');
    expect(await textOf(page, 'backtest-stats')).toContain(final.replace(/\s+/g, ' ').trim());
    expect(await textOf(page, 'backtest-params')).toBe(`fast = ${fast} · slow = ${slow}`);
  });

  it('lists the declared parameters on validation, and runs a backtest with a typed value', async () => {
    await page.goto(`${server.url}/strategies`);
    await page.getByTestId('strategy-item').filter({ hasText: 'EMA réglable' }).click();
    await page.locator('.cm-content').getByText('static params').waitFor();
    await page.getByTestId('strategy-validate').click();
    expect(await textOf(page, 'strategy-params')).toBe(
      'Paramètres (valeur par défaut, plage de l’Optimisation) : fast = 10 (5 → 30, 5) · slow = 20 (10 → 60, 10)',
    );

    await page.goto(`${server.url}/backtest`);
    await page.getByTestId('backtest-strategy').selectOption({ label: 'EMA réglable (1h)' });
    await page.getByTestId('backtest-param-fast').waitFor();
    expect(await page.getByTestId('backtest-param-slow').getAttribute('placeholder')).toBe('défaut 20');
    await page.getByTestId('backtest-source').selectOption('binance');
    await page.getByTestId('backtest-from').fill(day(0));
    await page.getByTestId('backtest-to').fill(day(600));
    await page.getByTestId('backtest-param-fast').fill('abc');
    await page.getByTestId('backtest-launch').click();
    await page.getByText('Paramètre fast : nombre attendu').waitFor();
    const before = await page.getByTestId('backtest-run').count();
    await page.getByTestId('backtest-param-fast').fill('12');
    await page.getByTestId('backtest-launch').click();
    await page.getByTestId('backtest-params').getByText('fast = 12', { exact: true }).waitFor();
    await page.getByTestId('backtest-stats').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('backtest-run').count()).toBe(before + 1);
    expect(await textOf(page, 'backtest-conventions')).toContain('annualisés par √365');
    const csv = await page.evaluate(
      async (href) => (await fetch(href!)).text(),
      await page.getByTestId('backtest-equity-csv').getAttribute('href'),
    );
    expect(csv.split('\n')[0]).toBe('time,equity');
  });

  it('reads in the light theme too', async () => {
    await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'light'));
    await page.goto(`${server.url}/backtest?tab=optimisation`);
    await page.getByTestId('sweep-heatmap').waitFor();
    await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'light'));
    await page.getByTestId('sweep-heatmap').scrollIntoViewIfNeeded();
    await screenshot(page, 'sweep-heatmap-light');
  });
});
