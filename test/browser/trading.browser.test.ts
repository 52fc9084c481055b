/// <reference lib="dom" />
// Brokers and manual trading in Chromium, against the fake Binance: adding a Binance account in the brokers modal
// (tested before saving, balance shown), reloading the markets from the status bar with its progress, and a paper
// buy from the manual trading page, confirmed, showing in the portfolio and the latest trades.
import type { Browser, Page } from 'playwright-core';
import { listen, uniqueName } from '../helpers/app';
import { launchBrowser, registeredPage, screenshot } from '../helpers/browser';
import { describeWithFixtures } from '../helpers/fixtures';
import { KEY, SECRET, startTradingStack } from '../helpers/trading';

describeWithFixtures('brokers and manual trading pages', () => {
  let stack: Awaited<ReturnType<typeof startTradingStack>>;
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    stack = await startTradingStack();
    server = await listen(stack.app);
    browser = await launchBrowser();
    page = await registeredPage(browser, server.url, uniqueName('Tr'), { width: 1400, height: 950 });
    await page.getByTestId('statusbar').waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server.close();
    await stack.close();
  });

  it('adds a Binance broker: only its credential fields, tested before saving, refusal explained', async () => {
    await page.goto(`${server.url}/compte`);
    await page.getByTestId('broker-add').click();
    await page.getByTestId('broker-name').fill('Binance perso');
    await page.getByTestId('broker-exchange-search').fill('binance');
    await page.getByTestId('broker-exchange').selectOption('binance');
    expect(await page.locator('[data-testid^="cred-"]').count()).toBe(2);
    await page.getByTestId('cred-apiKey').fill('wrong-key-000000000000');
    await page.getByTestId('cred-secret').fill(SECRET);
    await page.getByTestId('broker-save').click();
    await page.getByTestId('broker-error').waitFor();
    expect(await page.getByTestId('broker-error').textContent()).toContain(
      'Erreur de connexion à Binance : Invalid API-key',
    );
    await page.getByTestId('cred-apiKey').fill(KEY);
    await page.getByTestId('broker-save').click();
    await page.getByTestId('broker-tested').waitFor();
    expect(await page.getByTestId('broker-tested').textContent()).toContain('20000');
    await screenshot(page, 'brokers-modal');
    await page.getByTestId('broker-done').click();
    await page.getByTestId('brokers-card').getByText('Binance perso').waitFor();
    // Editing never shows the keys: empty fields that say the stored ones stay unless replaced.
    await page.locator('[data-testid^="broker-edit-"]').first().click();
    expect(await page.getByTestId('cred-apiKey').inputValue()).toBe('');
    expect(await page.getByTestId('cred-apiKey').getAttribute('placeholder')).toBe('inchangée (vmPU…Eh8A)');
    await screenshot(page, 'broker-edit');
    await page.getByRole('button', { name: 'Annuler' }).click();
    expect(await page.getByTestId('brokers-card').textContent()).toContain('vmPU…Eh8A');
  });

  it('reloads the markets from the status bar, after confirmation, showing the progress', async () => {
    stack.fake.exchangeInfoDelayMs = 1500;
    await page.getByTestId('status-markets').click();
    // The default broker is the paper one, whose markets are its price source's.
    expect(await page.getByTestId('confirm-message').textContent()).toContain('Paper trading');
    await page.getByTestId('confirm-ok').click();
    await page.getByText("Chargement 'binance'").waitFor();
    await screenshot(page, 'markets-progress');
    await page.getByText('6 marchés chargés').waitFor({ timeout: 15_000 });
    stack.fake.exchangeInfoDelayMs = 0;
  });

  it('buys on the paper broker: quantity gives the amount, confirmed, shown in portfolio and trades', async () => {
    await page.goto(`${server.url}/trading-manuel`);
    const brokerLabel = await page.getByTestId('trading-broker').locator('option:checked').textContent();
    expect(brokerLabel).toContain('Paper');
    await page.getByTestId('asset-USDT').waitFor();
    await page.getByTestId('symbol-BTC/USDT').click();
    await page.getByText('Dernier prix : 26000').waitFor();
    await page.getByTestId('order-quantity').fill('0.05');
    expect(await page.getByTestId('order-amount').inputValue()).toBe('1300');
    await page.getByTestId('order-buy').click();
    expect(await page.getByTestId('confirm-message').textContent()).toContain('0.05 BTC');
    await screenshot(page, 'order-confirm');
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('order-result').waitFor();
    await page.getByTestId('asset-BTC').waitFor();
    expect(await page.getByTestId('asset-BTC').textContent()).toContain('0.05');
    expect(await page.getByTestId('trades').textContent()).toContain('exécuté');

    // Too many decimals: refused next to the quantity, nothing bought.
    await page.getByTestId('order-quantity').fill('0.0000001');
    await page.getByTestId('order-buy').click();
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('order-quantity-error').waitFor();
    expect(await page.getByTestId('order-quantity-error').textContent()).toContain('5 décimales au plus');
    await page.getByTestId('order-quantity').fill('0.05');
    await page.getByTestId('order-amount').click();
    await screenshot(page, 'manual-trading');
  });
});
