/// <reference lib="dom" />
// The Webhooks page in Chromium, against the fake Binance behind the paper broker: a source created through the form
// (a bad size named beside its field first), shown with its URL and templates; alerts posted to that URL over HTTP as
// TradingView posts them appear in the log as they arrive (processed with their trade, refused with the reason,
// duplicate), filtered by status, each with its raw message; a new URL asked with a confirmation stops the old one;
// "Envoyer un test" says it places a real order before it does; a deletion asks first and keeps the log.
import type { Browser, Page } from 'playwright-core';
import { listen, uniqueName } from '../helpers/app';
import { listMarket } from '../helpers/activations';
import { launchBrowser, registeredPage, screenshot, textOf } from '../helpers/browser';
import { startTradingStack } from '../helpers/trading';
import { startWebhookWorker } from '../helpers/webhooks';

describe('Webhooks page', () => {
  let stack: Awaited<ReturnType<typeof startTradingStack>>;
  let worker: Awaited<ReturnType<typeof startWebhookWorker>>;
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  const username = uniqueName('Hook');
  let sourceId: number;
  let url: string;

  const card = () => page.getByTestId(`source-${sourceId}`);
  /** Posts to the endpoint over HTTP, as TradingView does: JSON when the body is JSON. */
  const post = (to: string, body: string) =>
    fetch(to, {
      method: 'POST',
      headers: { 'content-type': body.startsWith('{') ? 'application/json' : 'text/plain; charset=utf-8' },
      body,
    });

  beforeAll(async () => {
    stack = await startTradingStack();
    await listMarket(stack.app.db, 'binance', 'BTC/USDT');
    worker = await startWebhookWorker(stack.app);
    server = await listen(stack.app);
    browser = await launchBrowser();
    page = await registeredPage(browser, server.url, username, { width: 1400, height: 1000 });
    await page.getByTestId('statusbar').waitFor();
    page.setDefaultTimeout(10_000);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server.close();
    await worker?.close();
    await stack.close();
  });

  it('opens from the menu, empty, and creates a source through the form', async () => {
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('heading', { name: 'Webhooks TradingView' }).waitFor();
    await page.getByTestId('sources-empty').waitFor();
    await page.getByTestId('log-empty').waitFor();

    await page.getByTestId('source-new').click();
    expect(await page.getByTestId('source-broker').locator('option:checked').textContent()).toContain('Paper');
    await page.getByTestId('source-name').fill('TradingView BTC');
    await page.getByTestId('source-symbol').fill('BTC/USDT');
    await page.getByTestId('source-size-kind').selectOption('quantity');
    await page.getByTestId('source-size-value').fill('dix');
    await page.getByTestId('source-save').click();
    expect(await textOf(page, 'source-size-error')).toBe('Taille par défaut : nombre attendu (ex. 0,001 ou 100)');
    await screenshot(page, 'webhooks-form');
    // The server's refusals are named beside their field too.
    await page.getByTestId('source-size-value').fill('0,001');
    await page.getByTestId('source-passphrase').fill('abc');
    await page.getByTestId('source-save').click();
    await page.locator('.field.has-error').getByText('Phrase secrète : 4 caractères au moins').waitFor();
    expect(await page.locator('[data-testid^="source-"][data-testid$="-url"]').count()).toBe(0);

    await page.getByTestId('source-passphrase').fill('tv-secret-42');
    await page.getByTestId('source-save').click();
    await page.getByTestId('source-form').waitFor({ state: 'detached' });
    const user = await stack.app.db('users').where({ username }).first('id');
    const row = await stack.app.db('webhook_sources').where({ name: 'TradingView BTC', user_id: user.id }).first();
    sourceId = Number(row.id);
    expect(row).toMatchObject({ symbol: 'BTC/USDT', size_kind: 'quantity', market: 'spot' });
    expect(Number(row.size_value)).toBe(0.001);
    await card().waitFor();
    expect(await textOf(page, `source-${sourceId}-notice`)).toBe('Source « TradingView BTC » enregistrée');
    expect(await textOf(page, 'source-size')).toBe('0,001 (quantité)');
  });

  it('shows the URL to paste into TradingView and the two templates, ready to copy', async () => {
    url = await card().getByTestId(`source-${sourceId}-url`).inputValue();
    expect(url).toMatch(new RegExp(`^${server.url}/webhooks/[A-Za-z0-9_-]{43}$`));
    await card().locator('summary').click();
    const ours = await card().getByTestId(`source-${sourceId}-template-ours`).inputValue();
    expect(JSON.parse(ours)).toMatchObject({ action: 'buy', symbol: 'BTC/USDT', passphrase: '<passphrase>' });
    const tv = await card().getByTestId(`source-${sourceId}-template-tv`).inputValue();
    expect(JSON.parse(tv)).toMatchObject({ action: '{{strategy.order.action}}', ticker: '{{exchange}}:{{ticker}}' });
    await card().getByTestId(`source-${sourceId}-url-copy`).click();
    // Copied, or (no clipboard granted) selected for Ctrl+C with a word saying so.
    await page
      .getByText(/^(Copié|Copie refusée par le navigateur : sélectionnez le texte)$/)
      .first()
      .waitFor();
    await screenshot(page, 'webhooks-source');
  });

  it('logs the alerts posted to the URL as they arrive: processed with the trade, refused with why, duplicates', async () => {
    const buy = JSON.stringify({ action: 'buy', id: 'alert-1', passphrase: 'tv-secret-42' });
    expect((await post(url, buy)).status).toBe(200);
    expect((await post(url, JSON.stringify({ action: 'buy', id: 'alert-2', passphrase: 'wrong' }))).status).toBe(422);
    expect((await post(url, buy)).status).toBe(200);
    expect((await post(url, 'SIGNAL=BUY\nVOLUME=abc')).status).toBe(422);

    const rows = page.locator('[data-testid^="webhook-"][data-status]');
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid^="webhook-"][data-status]').length === 4,
      undefined,
      { timeout: 15_000 },
    );
    await page.locator('[data-status="processed"]').waitFor({ timeout: 15_000 });
    const statuses = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-status')));
    expect(statuses.sort()).toEqual(['duplicate', 'processed', 'rejected', 'rejected']);
    const processed = page.locator('[data-status="processed"]');
    expect(await processed.textContent()).toMatch(/Achat BTC\/USDT · taille de la source/);
    expect(await processed.textContent()).toMatch(/Trade n° \d+ : achat 0,001 BTC\/USDT à /);
    expect(await page.locator('[data-status="duplicate"]').textContent()).toContain('« alert-1 » déjà reçu');
    expect(await page.locator('[data-status="rejected"]').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('passphrase : incorrecte')]),
    );
    await card().locator('summary').click();
    await page.getByTestId('webhook-log').scrollIntoViewIfNeeded();
    await screenshot(page, 'webhooks-log');

    await page.getByTestId('log-status').selectOption('rejected');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid^="webhook-"][data-status]').length === 2);
    const refused = page.locator('[data-status="rejected"]').first();
    const id = (await refused.getAttribute('data-testid'))!;
    await page.getByTestId(`${id}-body`).click();
    expect(await page.getByTestId(`${id}-raw`).textContent()).toMatch(/VOLUME=abc|"passphrase":"•••"/);
    await page.getByTestId('log-status').selectOption('');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid^="webhook-"][data-status]').length === 4);
  });

  it('asks before replacing the URL, and the old one stops working', async () => {
    await card().getByTestId('source-token').click();
    expect(await textOf(page, 'confirm-message')).toContain(
      "L'URL actuelle de « TradingView BTC » cessera de fonctionner",
    );
    await page.getByRole('button', { name: 'Annuler' }).click();
    expect(await card().getByTestId(`source-${sourceId}-url`).inputValue()).toBe(url);

    await card().getByTestId('source-token').click();
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId(`source-${sourceId}-notice`).getByText('Nouvelle URL créée').waitFor();
    const fresh = await card().getByTestId(`source-${sourceId}-url`).inputValue();
    expect(fresh).not.toBe(url);
    expect((await post(url, JSON.stringify({ action: 'buy', passphrase: 'tv-secret-42' }))).status).toBe(404);
    url = fresh;
  });

  it('says "Envoyer un test" places a real order before it sends one through the intake', async () => {
    // The source is long from the first alert: a close first, or the test's buy would be refused as already long.
    expect((await post(url, JSON.stringify({ action: 'close', passphrase: 'tv-secret-42' }))).status).toBe(200);
    await page.waitForFunction(() => document.querySelectorAll('[data-status="processed"]').length === 2, undefined, {
      timeout: 15_000,
    });
    const trades = async () => (await stack.app.db('trades').where({ source: 'webhook' })).length;
    const before = await trades();
    await card().getByTestId('source-test').click();
    expect(await textOf(page, 'confirm-message')).toContain('un ordre réel est passé sur le broker « Paper');
    expect(await textOf(page, 'confirm-test-size')).toBe('⚠ Taille par défaut : 0,001 (quantité)');
    await screenshot(page, 'webhooks-test-confirm');
    await page.getByRole('button', { name: 'Annuler' }).click();
    expect(await trades()).toBe(before);

    await card().getByTestId('source-test').click();
    await page.getByTestId('confirm-ok').click();
    await page
      .getByTestId(`source-${sourceId}-notice`)
      .getByText(/^Test reçu \(webhook n° \d+\) : Reçu$/)
      .waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-status="processed"]').length === 3, undefined, {
      timeout: 15_000,
    });
    expect(await trades()).toBe(before + 1);
  });

  it('switches a source off and on, and deletes it only once confirmed and with no position open', async () => {
    await card().getByTestId('source-toggle').click();
    await card().getByTestId('source-state').getByText('Désactivée').waitFor();
    expect(await card().getByTestId('source-test').isDisabled()).toBe(true);
    expect((await post(url, JSON.stringify({ action: 'buy', passphrase: 'tv-secret-42' }))).status).toBe(404);
    await card().getByTestId('source-toggle').click();
    await card().getByTestId('source-state').getByText('Active').waitFor();

    // The test's buy left the source long: it is not deleted while it holds a position.
    await card().getByTestId('source-delete').click();
    expect(await textOf(page, 'confirm-message')).toContain('Les webhooks déjà reçus restent dans le journal');
    await page.getByTestId('confirm-ok').click();
    await page
      .getByTestId(`source-${sourceId}-notice`)
      .getByText(/position ouverte sur BTC\/USDT/)
      .waitFor();
    // With its own id: the same body as the close sent earlier would be a duplicate within the source's window.
    const close = JSON.stringify({ action: 'close', id: 'close-before-delete', passphrase: 'tv-secret-42' });
    expect((await post(url, close)).status).toBe(200);
    await page.waitForFunction(() => document.querySelectorAll('[data-status="processed"]').length === 4, undefined, {
      timeout: 15_000,
    });
    await card().getByTestId('source-delete').click();
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('sources-empty').waitFor();
    await page.getByText('source supprimée').first().waitFor();
    expect(await stack.app.db('webhook_sources').where({ id: sourceId }).first()).toBeUndefined();
  });
});
