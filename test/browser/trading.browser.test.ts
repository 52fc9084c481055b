/// <reference lib="dom" />
// Brokers and manual trading in Chromium, against the fake Binance: adding a Binance account in the brokers modal
// (tested before saving, balance shown), reloading the markets from the status bar with its progress, a paper buy
// from the Trading manuel page whose confirmation names everything, bad orders named before any confirmation,
// cancelling, the trade log's filter, the remembered broker, and the pages in English (the paper exchange's name, the
// credential labels and the stored reasons of refused attempts included), a rename's success line naming the new name.
import type { Browser, Page } from 'playwright-core';
import { listen, uniqueName } from '../helpers/app';
import { launchBrowser, registeredPage, screenshot, chooseLanguage } from '../helpers/browser';
import { KEY, SECRET, startTradingStack } from '../helpers/trading';

/** A table row's cells, the French no-break spaces written as plain spaces. */
async function cells(page: Page, testId: string): Promise<string[]> {
  const texts = await page.getByTestId(testId).locator('td').allTextContents();
  return texts.map((t) => t.replace(/[\u202f\u00a0]/g, ' ').trim());
}

describe('brokers and manual trading pages', () => {
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
    page.setDefaultTimeout(10_000);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server.close();
    await stack.close();
  });

  it('adds a Binance broker: only its credential fields, tested before saving, refusal explained', async () => {
    await page.goto(`${server.url}/compte`);
    await page.getByTestId('broker-add').click();
    expect(await page.getByTestId('broker-exchange').locator('option[value="paper"]').textContent()).toBe(
      'Paper trading (simulé) (paper)',
    );
    await page.getByTestId('broker-name').fill('Binance perso');
    await page.getByTestId('broker-exchange-search').fill('binance');
    await page.getByTestId('broker-exchange').selectOption('binance');
    expect(await page.locator('[data-testid^="cred-"]').count()).toBe(2);
    expect(await page.locator('label[for="cred-apiKey"]').textContent()).toBe('Clé API');
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
    // The balance the connection test read, written the French way.
    expect(await cells(page, 'asset-USDT')).toEqual(['USDT', '20 000', '0', '20 000']);
    expect(await cells(page, 'asset-BTC')).toEqual(['BTC', '0,5', '0', '0,5']);
    await screenshot(page, 'brokers-modal');
    await page.getByTestId('broker-done').click();
    await page.getByTestId('brokers-card').locator('tbody').getByText('Binance perso').waitFor();
    expect(await page.getByTestId('brokers-message').textContent()).toBe('« Binance perso » enregistré');
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
    // Every exchange the user's brokers use: the paper one (its price source's markets) and Binance.
    const asked = await page.getByTestId('confirm-message').textContent();
    expect(asked).toContain('Paper trading');
    expect(asked).toContain('Binance (broker « Binance perso »)');
    await screenshot(page, 'markets-confirm');
    await page.getByTestId('confirm-ok').click();
    await page.getByText("Chargement 'binance'").waitFor();
    await screenshot(page, 'markets-progress');
    await page.getByText("Chargement 'binance'").waitFor({ state: 'detached', timeout: 15_000 });
    // Every exchange's markets in the database, other suites' included (binanceus for one): a count, not Binance's 6.
    expect(await page.getByTestId('status-markets').textContent()).toMatch(/^\s*\d+ marchés chargés\s*$/);
    stack.fake.exchangeInfoDelayMs = 0;
  });

  it('buys on the paper broker: quantity gives the amount, confirmation names everything, shown in portfolio', async () => {
    await page.goto(`${server.url}/trading-manuel`);
    const brokerLabel = await page.getByTestId('trading-broker').locator('option:checked').textContent();
    expect(brokerLabel).toContain('Paper');
    await page.getByTestId('asset-USDT').waitFor();
    // French grouping and decimals, the currency after the total.
    expect(await cells(page, 'asset-USDT')).toEqual(['USDT', '10 000', '0', '10 000', '10 000,00']);
    expect(await page.getByTestId('portfolio-total').textContent()).toMatch(/Total : 10\s000,00\sUSD/);
    await page.getByTestId('symbol-BTC/USDT').click();
    await page.getByText(/Dernier prix : 26\s000,00/).waitFor();
    expect(await page.getByTestId('order-available').textContent()).toMatch(/Disponible : 10\s000(,00)?\sUSDT/);
    await page.getByTestId('price-chart').locator('canvas').first().waitFor();
    // A decimal comma, as a French user types it.
    await page.getByTestId('order-quantity').fill('0,05');
    expect(await page.getByTestId('order-amount').inputValue()).toBe('1300');
    await page.getByTestId('order-submit').click();
    const message = await page.getByTestId('confirm-message').textContent();
    expect(message).toBe('Acheter 0,05 BTC sur BTC/USDT, ordre au marché, via « Paper trading » ?');
    expect(await page.getByTestId('confirm-price').textContent()).toMatch(/^26\s000,00\sUSDT$/);
    expect(await page.getByTestId('confirm-cost').textContent()).toMatch(/^1\s300,00\sUSDT$/);
    expect(await page.getByTestId('confirm-fee').textContent()).toMatch(/^1,3\sUSDT$/);
    expect(await page.getByTestId('confirm-details').textContent()).toContain('Frais estimés (0,1 %)');
    await screenshot(page, 'manual-trading-confirm');
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('order-result').waitFor();
    await page.getByTestId('asset-BTC').waitFor();
    expect((await cells(page, 'asset-BTC')).slice(0, 4)).toEqual(['BTC', '0,05', '0', '0,05']);
    expect(await page.getByTestId('trades').textContent()).toContain('exécuté');
    expect(await page.getByTestId('trades').textContent()).toMatch(/26\s026 USDT/);
    // The success message describes that order only: typing another one removes it.
    await page.getByTestId('order-quantity').fill('0,01');
    expect(await page.getByTestId('order-result').count()).toBe(0);
  });

  it("names a bad quantity, amount or price before the confirmation, with the server's words", async () => {
    const cases: [string, string][] = [
      ['0,0000001', 'Quantité : 5 décimales au plus (pas de 0.00001)'],
      ['0', 'Quantité : doit être supérieur à 0'],
      ['-1', 'Quantité : doit être supérieur à 0'],
      ['1', 'Quantité : plus que le solde libre'],
      ['0,0001', 'Montant : minimum 5 USDT (2.6 demandé)'],
    ];
    for (const [value, expected] of cases) {
      await page.getByTestId('order-quantity').fill(value);
      await page.getByTestId('order-submit').click();
      const error = page.getByTestId('order-quantity-error');
      await error.waitFor();
      expect(await error.textContent()).toContain(expected);
      expect(await page.getByTestId('confirm-message').count()).toBe(0);
    }
    await page.getByTestId('order-quantity').fill('0,0000001');
    await page.getByTestId('order-submit').click();
    await screenshot(page, 'manual-trading-precheck');
    // Selling: 100 % of the free BTC, on the quantity grid; more than that is refused.
    await page.getByTestId('order-side-sell').click();
    await page.getByTestId('order-share-100').click();
    expect(await page.getByTestId('order-quantity').inputValue()).toBe('0,05');
    await page.getByTestId('order-quantity').fill('0,06');
    await page.getByTestId('order-submit').click();
    expect(await page.getByTestId('order-quantity-error').textContent()).toBe(
      'Quantité : plus que le solde libre (0.05 BTC)',
    );
    // A limit order starts at the last price; a price off the grid is refused.
    await page.getByTestId('order-side-buy').click();
    await page.getByTestId('type-limit').click();
    expect(await page.getByTestId('order-price').inputValue()).toBe('26000');
    await page.getByTestId('order-price').fill('25000,001');
    await page.getByTestId('order-quantity').fill('0,01');
    await page.getByTestId('order-submit').click();
    expect(await page.getByTestId('order-price-error').textContent()).toBe('Prix : 2 décimales au plus (pas de 0.01)');
  });

  it('rests a limit order, cancels it after "Annuler l\'ordre", and hides refused attempts unless asked', async () => {
    await page.getByTestId('order-price').fill('20000');
    await page.getByTestId('order-quantity').fill('0,01');
    await page.getByTestId('order-submit').click();
    expect(await page.getByTestId('confirm-message').textContent()).toContain('ordre limite à 20\u202f000,00 USDT');
    await page.getByTestId('confirm-ok').click();
    const open = page.locator('[data-testid^="open-order-"]');
    await open.first().waitFor();
    await open.first().getByRole('button').click();
    await page.getByRole('button', { name: "Garder l'ordre" }).waitFor();
    await page.getByRole('button', { name: "Annuler l'ordre" }).click();
    await page.getByText('Aucun ordre ouvert').waitFor();

    // Attempts the server refuses (sent past the page's checks) stay in the log, hidden by default: more than a
    // page of them, so the list reads on through the history to the trades it keeps.
    const statuses = await page.evaluate(async () => {
      const { token } = (await (await fetch('/api/auth/csrf')).json()) as { token: string };
      const out: number[] = [];
      for (let i = 0; i < 21; i++) {
        const res = await fetch('/api/trading/orders', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token },
          body: JSON.stringify({ symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: '0.0000001' }),
        });
        out.push(res.status);
      }
      return out;
    });
    expect(new Set(statuses)).toEqual(new Set([400]));
    await page.reload();
    await page.getByTestId('trades').getByText('exécuté').first().waitFor();
    const rows = page.getByTestId('trades').locator('tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await page.getByTestId('trades').locator('tbody').textContent()).not.toContain('refusé');
    await page.getByTestId('hide-refused').uncheck({ force: true });
    await page.getByTestId('trades').locator('tbody').getByText('refusé').first().waitFor();
    expect(await rows.count()).toBe(23);
    expect(await rows.first().textContent()).toContain('5 décimales au plus');
    await screenshot(page, 'manual-trading-refused');
    await page.getByTestId('hide-refused').check({ force: true });
  });

  it('says why the pair list is empty, and remembers the last broker chosen', async () => {
    await page.getByTestId('symbol-search').fill('zzz');
    await page.getByText('Aucun résultat').waitFor();
    await page.getByTestId('symbol-search').fill('');
    await page.getByTestId('quote-USDC').click();
    await page.getByText('Aucune paire USDC sur cet exchange').waitFor();
    await page.getByTestId('quote-USDT').click();
    await page.getByTestId('symbol-BTC/USDT').click();
    await page.getByText(/Dernier prix : 26\s000,00/).waitFor();
    await page.getByTestId('order-quantity').fill('0,01');
    // The whole page, down to the latest trades.
    await page.setViewportSize({ width: 1400, height: 1250 });
    await screenshot(page, 'manual-trading');
    await page.setViewportSize({ width: 1400, height: 950 });

    await page.getByTestId('trading-broker').selectOption({ label: 'Binance perso (Binance)' });
    await page.getByTestId('asset-BTC').waitFor();
    await page.reload();
    await page.getByTestId('asset-BTC').waitFor();
    expect(await page.getByTestId('trading-broker').locator('option:checked').textContent()).toContain('Binance perso');
    await page.getByTestId('trading-broker').selectOption({ label: 'Paper trading' });
  });

  it('speaks English in English mode, checks included', async () => {
    await page.goto(`${server.url}/compte`);
    await chooseLanguage(page, 'en');
    await page.getByText('Brokers').first().waitFor();
    await page.goto(`${server.url}/trading-manuel`);
    await page.getByRole('heading', { name: 'Manual trading' }).waitFor();
    await page.getByTestId('symbol-BTC/USDT').click();
    await page.getByText('Last price: 26,000.00').waitFor();
    await page.getByTestId('order-quantity').fill('0');
    await page.getByTestId('order-submit').click();
    expect(await page.getByTestId('order-quantity-error').textContent()).toBe('Quantity: must be greater than 0');
    expect(await page.getByTestId('trades').textContent()).toContain('Latest trades');
    await screenshot(page, 'manual-trading-en');
    // The attempts the server refused earlier were stored with its French words; they read in English here.
    const trades = page.getByTestId('trades');
    await page.getByTestId('hide-refused').uncheck({ force: true });
    await trades.getByTestId('trade-error').first().waitFor();
    expect(await trades.getByTestId('trade-error').first().textContent()).toBe(
      'Quantity: 5 decimals at most (step 0.00001)',
    );
    expect(await trades.textContent()).not.toContain('décimales');
    // The card's heading and its filter at the top of the picture, just under the fixed status bar, the newest
    // refusals under them.
    await trades.evaluate((card) => window.scrollBy(0, card.getBoundingClientRect().top - 64));
    await screenshot(page, 'manual-trading-refused-en');
    await page.getByTestId('hide-refused').check({ force: true });

    // The brokers card: the paper exchange in English, the credential fields' English labels.
    await page.goto(`${server.url}/compte`);
    const card = page.getByTestId('brokers-card');
    await card.locator('tbody').getByText('Binance perso').waitFor();
    expect(await card.locator('[data-testid^="exchange-of-broker-"]').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\s*Paper trading \(simulated\)/)]),
    );
    expect(await card.textContent()).not.toContain('simulé');
    // A rename: the success line names the broker by its new name, not the old one an earlier test line gave.
    const binance = card.locator('tr', { hasText: 'Binance perso' });
    await binance.getByRole('button', { name: 'Test', exact: true }).click();
    await page.getByTestId('brokers-message').getByText('“Binance perso” answers').waitFor();
    await binance.locator('[data-testid^="broker-edit-"]').click();
    expect(await page.locator('label[for="cred-apiKey"]').textContent()).toBe('API key');
    expect(await page.locator('label[for="cred-secret"]').textContent()).toBe('Secret');
    await screenshot(page, 'broker-edit-en');
    await page.getByTestId('broker-name').fill('Binance main');
    await page.getByTestId('broker-save').click();
    await page.getByTestId('broker-tested').getByText('Connected to “Binance main”').waitFor();
    await page.getByTestId('broker-done').click();
    expect(await page.getByTestId('brokers-message').textContent()).toBe('“Binance main” saved');
    await card.locator('tbody').getByText('Binance main').waitFor();
    await screenshot(page, 'brokers-en-after-rename');
    // The status bar's markets confirmation names the exchanges in English too.
    await page.getByTestId('status-markets').click();
    const asked = await page.getByTestId('confirm-message').textContent();
    expect(asked).toContain('Paper trading (simulated) (broker “Paper trading”)');
    expect(asked).toContain('Binance (broker “Binance main”)');
    await page.getByTestId('confirm-cancel').click();

    await chooseLanguage(page, 'fr');
  });
});
