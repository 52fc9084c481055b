/// <reference lib="dom" />
// The Trading BOT page in Chromium, against the fake Binance: an activation created through the form (errors named
// beside their field first), shown in the list and counted by the status bar, suspended and resumed, its open
// position and trades shown when the live:activation event says they changed, Vendre asked once, Stop with its
// confirmation naming the position, the status bar's warning for a strategy errors suspended, the emergency stop.
import type { Browser, Page } from 'playwright-core';
import { listen, uniqueName } from '../helpers/app';
import { listMarket } from '../helpers/activations';
import { launchBrowser, registeredPage, screenshot, textOf, chooseLanguage } from '../helpers/browser';
import { startTradingStack } from '../helpers/trading';
import { openQueue } from '../../queues/connection';
import { jobIds } from '../../queues/jobs';
import { QUEUES } from '../../queues/names';

describe('Trading BOT page', () => {
  let stack: Awaited<ReturnType<typeof startTradingStack>>;
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  const username = uniqueName('Bot');
  let userId: number;
  let activationId: number;
  let positionId: number;

  const card = () => page.getByTestId(`activation-${activationId}`);

  beforeAll(async () => {
    stack = await startTradingStack();
    for (const symbol of ['BTC/USDT', 'ETH/USDT', 'BNB/USDT']) await listMarket(stack.app.db, 'binance', symbol);
    server = await listen(stack.app);
    browser = await launchBrowser();
    page = await registeredPage(browser, server.url, username, { width: 1400, height: 1000 });
    await page.getByTestId('statusbar').waitFor();
    page.setDefaultTimeout(10_000);
    userId = Number((await stack.app.db('users').where({ username }).first('id')).id);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server.close();
    await stack.close();
  });

  it('opens from the menu with the default broker, the strategy timeframe and the broker markets', async () => {
    await page.getByRole('link', { name: 'Trading BOT' }).click();
    await page.getByRole('heading', { name: 'Trading BOT' }).waitFor();
    await page.getByTestId('activations-empty').waitFor();
    expect(await page.getByTestId('activation-broker').locator('option:checked').textContent()).toContain('Paper');
    const strategy = await stack.app.db('strategies').where({ user_id: userId }).orderBy('name').first('timeframe');
    expect(await textOf(page, 'activation-timeframe')).toContain(strategy.timeframe);
    // The paper broker trades its price source's markets, spot only.
    await page.getByTestId('activation-symbol').locator('option[value="ETH/USDT"]').waitFor({ state: 'attached' });
    expect(await page.getByTestId('activation-symbol').inputValue()).toBe('BTC/USDT');
    expect(await page.getByTestId('activation-market').locator('option[value="futures"]').isDisabled()).toBe(true);
    expect(await textOf(page, 'status-strategies')).toBe('Stratégies live : 0');
  });

  it('names a bad field in French beside it, from the page and from the server', async () => {
    await page.getByTestId('activation-budget').fill('beaucoup');
    await page.getByTestId('activation-submit').click();
    expect(await textOf(page, 'activation-budget-error')).toBe('Budget : nombre attendu (ex. 500 ou 500,50)');
    // The error goes when the field changes.
    await page.getByTestId('activation-budget').fill('');
    expect(await page.getByTestId('activation-budget-error').count()).toBe(0);
    await page.getByTestId('activation-end').fill('2020-01-01T00:00');
    await page.getByTestId('activation-submit').click();
    await page.getByTestId('activation-endDate-error').waitFor();
    expect(await textOf(page, 'activation-endDate-error')).toBe('Fin : doit être après la date de début');
    await page.getByTestId('activation-end').fill('2099-01-01T00:00');
    await page.getByTestId('activation-budget').fill('-5');
    await page.getByTestId('activation-submit').click();
    await page.getByTestId('activation-budget-error').waitFor();
    expect(await textOf(page, 'activation-budget-error')).toMatch(/^Budget : /);
    expect(await page.getByTestId('activations-empty').count()).toBe(1);
  });

  it('activates a strategy through the form, shown in the list and counted by the status bar', async () => {
    // Other suites list more Binance markets in the same database (ETH/BTC, XRP/ETH…): the filter is checked on what
    // it keeps, not on how many markets exist.
    const options = () =>
      page.evaluate(() =>
        Array.from(document.querySelectorAll('[data-testid="activation-symbol"] option')).map(
          (o) => o.textContent ?? '',
        ),
      );
    await page.getByTestId('activation-symbol-search').fill('ETH/US');
    await page.waitForFunction(() => {
      const shown = Array.from(document.querySelectorAll('[data-testid="activation-symbol"] option'));
      return shown.length > 0 && shown.every((o) => (o.textContent ?? '').includes('ETH/US'));
    });
    expect(await page.getByTestId('activation-symbol').inputValue()).toBe('ETH/USDT');
    expect(await options()).not.toContainEqual(expect.stringContaining('BNB/USDT'));
    await page.getByTestId('activation-symbol-search').fill('');
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('[data-testid="activation-symbol"] option')).some((o) =>
        (o.textContent ?? '').includes('BNB/USDT'),
      ),
    );
    await page.getByTestId('activation-symbol').selectOption('BTC/USDT');
    await page.getByTestId('activation-budget').fill('500,5');
    expect(await page.getByTestId('activation-close-at-end').isChecked()).toBe(true);
    // Orders at the exchange are Binance's: the paper broker keeps the bot's minute check.
    expect(await page.getByTestId('activation-protection').inputValue()).toBe('bot');
    expect(await page.getByTestId('activation-protection').locator('option[value="exchange"]').isDisabled()).toBe(true);
    await screenshot(page, 'trading-bot-form');
    await page.getByTestId('activation-submit').click();
    await page.getByTestId('activation-created').waitFor();
    const row = await stack.app.db('active_strategies').where({ user_id: userId }).first();
    activationId = Number(row.id);
    expect(row).toMatchObject({ symbol: 'BTC/USDT', market: 'spot', state: 'active' });
    expect(row.budget).toMatch(/^500\.50*$/);
    expect(row.close_at_end).toBe(true);
    expect(new Date(row.end_date).toISOString()).toBe('2099-01-01T00:00:00.000Z');
    await card().waitFor();
    expect(await textOf(page, 'activation-state')).toBe('Active');
    expect(await card().textContent()).toContain('Budget 500,50');
    expect(await card().getByTestId('activation-end-policy').textContent()).toBe('position fermée à la fin');
    await page.getByText('Stratégies live : 1').waitFor();
  });

  it('suspends and resumes it', async () => {
    await card().getByTestId('activation-suspend').click();
    await card().getByTestId('activation-resume').waitFor();
    expect(await textOf(page, 'activation-state')).toBe('Suspendue');
    expect((await stack.app.db('active_strategies').where({ id: activationId }).first()).state).toBe('suspended');
    await page.getByText('Stratégies live : 0').waitFor();
    await card().getByTestId('activation-resume').click();
    await card().getByTestId('activation-suspend').waitFor();
    expect(await textOf(page, 'activation-state')).toBe('Active');
    await page.getByText('Stratégies live : 1').waitFor();
  });

  it('shows the open position, the P&L and the trades when the live:activation event says they changed', async () => {
    const db = stack.app.db;
    const { strategy_id: strategyId, broker_id: brokerId } = await db('active_strategies')
      .where({ id: activationId })
      .first();
    const trade = (side: string, quantity: string, price: string, fee: string, pnl: string | null, at: string) => ({
      user_id: userId,
      broker_id: brokerId,
      strategy_id: strategyId,
      active_strategy_id: activationId,
      source: 'strategy',
      symbol: 'BTC/USDT',
      side,
      type: 'market',
      quantity,
      filled_quantity: quantity,
      average_price: price,
      fee,
      fee_currency: 'USDT',
      status: 'closed',
      profit_loss: pnl,
      executed_at: new Date(at),
      created_at: new Date(at),
    });
    const ids = await db('trades')
      .insert([
        trade('buy', '0.02', '25000', '0.5', null, '2026-12-01T08:00:00Z'),
        trade('sell', '0.02', '25500', '0.51', '8.99', '2026-12-01T14:00:00Z'),
        trade('buy', '0.05', '25800', '1.29', null, '2026-12-02T06:00:00Z'),
      ])
      .returning('id');
    const [opened] = await db('positions')
      .insert({
        user_id: userId,
        broker_id: brokerId,
        active_strategy_id: activationId,
        symbol: 'BTC/USDT',
        side: 'long',
        quantity: '0.05',
        entry_price: '25800',
        current_price: '26000',
        stop_loss: '25000',
        take_profit: '27500',
        status: 'open',
        opened_at: new Date('2026-12-02T06:00:00Z'),
        entry_trade_id: ids[2].id,
        entry_fee: '1.29',
      })
      .returning('id');
    positionId = Number(opened.id);
    await stack.app.publisher.publish('live:activation', { id: activationId, kind: 'order' }, { userId });
    await card().getByTestId('activation-sell').waitFor();
    const position = await textOf(page, 'activation-position');
    for (const part of [
      'Long',
      '0,05 BTC',
      'Entrée 25 800,00 USDT',
      'Dernier prix 26 000,00 USDT',
      'SL 25 000,00 USDT',
      'SL/TP surveillés par le bot',
    ]) {
      expect(position).toContain(part);
    }
    expect(await textOf(page, 'activation-unrealized')).toBe('10,00 USDT');
    expect(await textOf(page, 'activation-realized')).toBe('8,99 USDT');
    expect(await card().locator('[data-testid^="live-trade-"]').count()).toBe(3);
    expect(await card().getByText('Derniers trades (3)').count()).toBe(1);
    await page.mouse.move(0, 0);
    await screenshot(page, 'trading-bot-list');
  });

  it('sells once after the confirmation: the button waits for the position to close', async () => {
    await card().getByTestId('activation-sell').click();
    expect(await textOf(page, 'confirm-message')).toContain('la position de « ');
    expect(await textOf(page, 'confirm-position')).toBe(
      '⚠ Une position long de 0,05 BTC est ouverte (entrée 25 800,00 USDT).',
    );
    await page.getByTestId('confirm-ok').click();
    await card().getByText('Vente en cours…').waitFor();
    expect(await card().getByTestId('activation-sell').isDisabled()).toBe(true);
    expect(await closeJobs()).toEqual([jobIds.close(activationId, positionId)]);
    expect(await textOf(page, 'activation-state')).toBe('Active');
  });

  /** The strategy actor's close jobs waiting (no strategy worker runs in this suite). */
  async function closeJobs(): Promise<string[]> {
    const queue = openQueue(QUEUES.strategy, stack.app.config.REDIS_URL, stack.app.config.QUEUE_PREFIX);
    try {
      return (await queue.getJobs(['waiting', 'delayed', 'active'])).map((job) => String(job.id));
    } finally {
      await queue.close();
    }
  }

  it('stops it after a confirmation that warns of the open position and offers to close it', async () => {
    await card().getByTestId('activation-stop').click();
    expect(await textOf(page, 'confirm-message')).toContain('Arrêter « ');
    expect(await textOf(page, 'confirm-position')).toContain('Une position long de 0,05 BTC est ouverte');
    expect(await page.getByTestId('confirm-close-position').isChecked()).toBe(false);
    expect(await textOf(page, 'confirm-position')).toContain('Elle reste ouverte si vous ne la fermez pas.');
    await page.getByTestId('confirm-close-position').check();
    expect(await textOf(page, 'confirm-position')).not.toContain('Elle reste ouverte');
    await screenshot(page, 'trading-bot-stop-confirm');
    // Cancelling changes nothing.
    await page.getByRole('button', { name: 'Annuler' }).click();
    expect((await stack.app.db('active_strategies').where({ id: activationId }).first()).state).toBe('active');
    await card().getByTestId('activation-stop').click();
    await page.getByTestId('confirm-ok').click();
    await card().getByText('Arrêtée').waitFor();
    expect(await card().getByTestId('activation-stop').count()).toBe(0);
    expect(await card().getByTestId('activation-suspend').count()).toBe(0);
    const row = await stack.app.db('active_strategies').where({ id: activationId }).first();
    expect(row.state).toBe('stopped');
    expect(new Date(row.end_date).getTime()).toBeLessThanOrEqual(Date.now());
    // Closing on stop asks for the close Vendre already asked for: still one job for the position.
    expect(await closeJobs()).toEqual([jobIds.close(activationId, positionId)]);
    await page.getByText('Stratégies live : 0').waitFor();
  });

  it('warns in the status bar when errors suspended a strategy, and the emergency stop suspends the rest', async () => {
    // A second activation through the form, keeping its position at the end, then errors suspend it (as the
    // strategy actor would).
    await page.getByTestId('activation-close-at-end').uncheck();
    await page.getByTestId('activation-submit').click();
    await page.getByTestId('activation-created').waitFor();
    await page.getByText('Stratégies live : 1').waitFor();
    const second = await stack.app
      .db('active_strategies')
      .where({ user_id: userId })
      .whereNot({ id: activationId })
      .first('id');
    await stack.app.db('active_strategies').where({ id: second.id }).update({
      state: 'suspended',
      suspended_by: 'errors',
      error_count: 3,
      last_error: 'Stratégie : shouldLong a dépassé 1000 ms',
      last_error_at: new Date(),
    });
    await stack.app.publisher.publish('live:activation', { id: Number(second.id), kind: 'error' }, { userId });
    await stack.app.publisher.publish('status:changed', { reason: 'live' }, { userId });
    await page.getByTestId('status-strategies-suspended').waitFor();
    expect(await textOf(page, 'status-strategies')).toBe('Stratégies live : 0 ⚠ 1 suspendue(s) après erreurs');
    expect(await page.getByTestId('status-strategies').getAttribute('class')).toContain('alarm');
    await screenshot(page, 'trading-bot-suspended-errors');
    const erred = page.getByTestId(`activation-${second.id}`);
    expect(await erred.getByTestId('activation-state').textContent()).toBe('Suspendue après erreurs');
    expect(await erred.getByTestId('activation-end-policy').textContent()).toBe('position gardée à la fin');
    expect(await stack.app.db('active_strategies').where({ id: second.id }).first()).toMatchObject({
      close_at_end: false,
    });
    expect(await erred.getByTestId('activation-last-error').textContent()).toContain('shouldLong a dépassé 1000 ms');

    await erred.getByTestId('activation-resume').click();
    await page.getByText('Stratégies live : 1').waitFor();
    expect(await page.getByTestId('status-strategies-suspended').count()).toBe(0);
    await page.getByTestId('emergency-stop').click();
    expect(await textOf(page, 'confirm-message')).toContain('Suspendre vos 1 stratégie(s) active(s)');
    await page.getByTestId('confirm-ok').click();
    expect(await textOf(page, 'emergency-result')).toBe(
      '1 stratégie(s) suspendue(s), 0 position(s) en cours de fermeture',
    );
    expect(await erred.getByTestId('activation-state').textContent()).toBe("Suspendue (arrêt d'urgence)");
    await page.getByText('Stratégies live : 0').waitFor();
  });

  it('speaks English in English mode', async () => {
    await page.goto(`${server.url}/compte`);
    await chooseLanguage(page, 'en');
    await page.getByRole('link', { name: 'Trading BOT' }).click();
    await page.getByRole('heading', { name: 'Activate a strategy' }).waitFor();
    expect(await textOf(page, 'status-strategies')).toBe('Live strategies: 0');
    expect(await card().getByTestId('activation-state').textContent()).toBe('Stopped');
    expect(await card().textContent()).toContain('Realised P&L');
    await page.goto(`${server.url}/compte`);
    await chooseLanguage(page, 'fr');
  });

  it('offers stop-loss and take-profit at the exchange on a Binance broker, and says when they rest there', async () => {
    const [broker] = await stack.app
      .db('brokers')
      .insert({ user_id: userId, name: 'Binance live', exchange: 'binance', is_active: true })
      .returning('id');
    await page.goto(`${server.url}/trading-bot`);
    await page.getByTestId('activation-broker').selectOption(String(broker.id));
    await page.getByTestId('activation-symbol').locator('option[value="BTC/USDT"]').waitFor({ state: 'attached' });
    await page.getByTestId('activation-symbol').selectOption('BTC/USDT');
    await page.getByTestId('activation-protection').selectOption('exchange');
    await page.getByTestId('activation-submit').click();
    await page.getByTestId('activation-created').waitFor();
    const row = await stack.app.db('active_strategies').where({ broker_id: broker.id }).first();
    expect(row).toMatchObject({ protection: 'exchange', market: 'spot' });
    // Its position, with the OCO's two legs resting at Binance (as the strategy actor records them).
    const [position] = await stack.app
      .db('positions')
      .insert({
        user_id: userId,
        broker_id: broker.id,
        active_strategy_id: row.id,
        symbol: 'BTC/USDT',
        side: 'long',
        quantity: '0.01',
        entry_price: '26000',
        current_price: '26100',
        stop_loss: '24700',
        take_profit: '27300',
        status: 'open',
      })
      .returning('id');
    const leg = (type: string, price: string, stop: string | null) => ({
      user_id: userId,
      broker_id: broker.id,
      strategy_id: row.strategy_id,
      active_strategy_id: row.id,
      source: 'strategy',
      symbol: 'BTC/USDT',
      side: 'sell',
      type,
      quantity: '0.01',
      price,
      stop_price: stop,
      status: 'open',
      order_list_id: '7',
      protects_position_id: position.id,
    });
    await stack.app.db('trades').insert([leg('stop_limit', '24576.5', '24700'), leg('limit', '27300', null)]);
    // Read afresh: the page may not have joined its events yet after the navigation.
    await page.reload();
    const shown = page.getByTestId(`activation-${row.id}`);
    await shown.getByText("SL/TP posés sur l'exchange").waitFor();
    // Its last trades name the two legs for what they hold.
    expect(await shown.getByTestId('activation-trade-type').allTextContents()).toEqual([
      'Take-profit (limite)',
      'Stop-loss (stop-limit)',
    ]);
    await page.mouse.move(0, 0);
    await shown.scrollIntoViewIfNeeded();
    await screenshot(page, 'trading-bot-protection');
  });
});
