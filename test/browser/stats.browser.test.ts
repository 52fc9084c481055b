/// <reference lib="dom" />
// The Statistiques page in Chromium over a history made here: manual, strategy and webhook round trips on the paper
// broker, and three days of balance snapshots taken by the stats actor's code through the broker actor at prices the
// fake Binance moves, with a deposit among them. The figures shown are the API's (worked out by hand in
// stats-origins.test.ts); the page is checked for what a trader reads and does: the totals, the deposit marked and
// left out of the performance, the tables sorted, a row's trades, the origin filter, a bad period named, the CSV of
// what is shown, both themes.
import type { Browser, Page } from 'playwright-core';
import { createLogger } from '../../core/logger';
import { takeDueSnapshots } from '../../core/stats/snapshots';
import { BrokerRequests } from '../../queues/broker-client';
import { Client, listen, uniqueName } from '../helpers/app';
import { launchBrowser, registeredPage, screenshot, textOf } from '../helpers/browser';
import { binanceBroker, startTradingStack } from '../helpers/trading';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('Statistiques page', () => {
  let stack: Awaited<ReturnType<typeof startTradingStack>>;
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  let prices: BrokerRequests;
  let activationId: number;
  const username = uniqueName('Stat');
  const strategyName = uniqueName('Cross');

  async function seed(): Promise<void> {
    const db = stack.app.db;
    const user = await db('users').where({ username }).first('id');
    const broker = await db('brokers').where({ user_id: user.id, exchange: 'paper' }).first('id');
    const [strategy] = await db('strategies')
      .insert({ user_id: user.id, name: strategyName, timeframe: '1h', code: 'class S extends Strategy {}' })
      .returning('id');
    const now = Date.now();
    const [activation] = await db('active_strategies')
      .insert({
        user_id: user.id,
        strategy_id: strategy.id,
        broker_id: broker.id,
        symbol: 'ETH/USDT',
        timeframe: '1h',
        start_date: new Date(now - 10 * DAY),
        end_date: new Date(now + 10 * DAY),
        state: 'active',
      })
      .returning('id');
    activationId = Number(activation.id);
    const [source] = await db('webhook_sources')
      .insert({
        user_id: user.id,
        name: 'Alerte RSI',
        token_hash: uniqueName('h').padEnd(64, '0'),
        token_encrypted: 'unused',
        broker_id: broker.id,
        actions: JSON.stringify(['buy', 'sell']),
      })
      .returning('id');
    const [webhook] = await db('webhooks')
      .insert({ user_id: user.id, source_id: source.id, raw_body: '{}', status: 'processed' })
      .returning('id');
    // A Binance account of the same user on the fake Binance (0.5 BTC and 20,000 USDT), added as the page would.
    const api = new Client(stack.app);
    expect((await api.send('post', '/api/auth/login', { username, password: 'password-123' })).status).toBe(200);
    const binance = await binanceBroker(api, 'Binance principal');
    const trip = (
      ago: number,
      symbol: string,
      qty: string,
      buy: string,
      sell: string,
      origin: object,
      brokerId: number = broker.id,
    ) =>
      (['buy', 'sell'] as const).map((side, i) => ({
        user_id: user.id,
        broker_id: brokerId,
        symbol,
        side,
        type: 'market',
        quantity: qty,
        filled_quantity: qty,
        average_price: side === 'buy' ? buy : sell,
        fee: (Number(qty) * Number(side === 'buy' ? buy : sell) * 0.001).toFixed(8),
        fee_currency: 'USDT',
        status: 'closed',
        executed_at: new Date(now - ago + i * HOUR),
        created_at: new Date(now - ago + i * HOUR),
        ...origin,
      }));
    const strategyOrigin = { source: 'strategy', active_strategy_id: activationId, strategy_id: strategy.id };
    await db('trades').insert([
      ...trip(4.5 * DAY, 'BTC/USDT', '0.01', '26000', '26500', { source: 'manual' }),
      ...trip(4.2 * DAY, 'ETH/USDT', '1', '1600', '1650', strategyOrigin),
      ...trip(3.9 * DAY, 'ETH/USDT', '1', '1660', '1620', strategyOrigin),
      ...trip(3.5 * DAY, 'ETH/USDT', '2', '1610', '1640', strategyOrigin),
      ...trip(3.7 * DAY, 'BNB/USDT', '5', '210', '204', { source: 'webhook', webhook_id: webhook.id }),
      // On Binance by hand: +30 − 2.63 of fees.
      ...trip(4.4 * DAY, 'BTC/USDT', '0.05', '26000', '26600', { source: 'manual' }, binance),
    ]);
    // The trades are older than the snapshots: the paper balances did not follow them (they are written here), and
    // between two snapshots a trade the balances do not show would read as a transfer.
    // The paper account holds some BTC so that its value follows the price the fake Binance gives.
    await db('paper_balances')
      .insert({ broker_id: broker.id, asset: 'BTC', free: '0.2' })
      .onConflict(['broker_id', 'asset'])
      .merge();
    const deps = { db, prices, logger: createLogger('silent', 'test') };
    for (let hours = 72; hours >= 1; hours -= 1) {
      stack.fake.setPrice('BTCUSDT', (26000 + Math.round(Math.sin(hours / 7) * 900 + (72 - hours) * 12)).toFixed(8));
      // 1,000 USDT deposited a day and a half ago.
      if (hours === 36)
        await db('paper_balances').where({ broker_id: broker.id, asset: 'USDT' }).increment('free', 1000);
      await takeDueSnapshots(deps, now - hours * HOUR, [Number(broker.id), binance]);
    }
    stack.fake.setPrice('BTCUSDT', '26000.00000000');
  }

  beforeAll(async () => {
    stack = await startTradingStack();
    const { config, redis } = stack.app;
    prices = new BrokerRequests(redis, config.REDIS_URL, config.QUEUE_PREFIX, 10_000);
    server = await listen(stack.app);
    browser = await launchBrowser();
    page = await registeredPage(browser, server.url, username, { width: 1400, height: 1750 });
    await page.getByTestId('statusbar').waitFor();
    page.setDefaultTimeout(10_000);
    await seed();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server.close();
    await prices.close();
    await stack.close();
  });

  it('shows the period’s figures, the balance with its deposit, and a table per origin', async () => {
    await page.getByRole('link', { name: 'Statistiques' }).click();
    await page.getByRole('heading', { name: 'Statistiques', exact: true }).waitFor();
    await page.getByTestId('stats-summary').waitFor();
    // Manual +5 − 0.525 of fees (paper) and +30 − 2.63 (Binance); strategy +50 − 3.25, −40 − 3.28, +60 − 6.5;
    // webhook −30 − 2.07: 56.745 in all, shown rounded half to even.
    expect(await page.getByTestId('stats-trades').getByTestId('value').textContent()).toBe('6');
    expect(await textOf(page, 'stats-trades')).toContain('4 gagnants · 2 perdants');
    expect(await page.getByTestId('stats-realizedPnl').getByTestId('value').textContent()).toMatch(/^56,74\sUSDT$/);
    expect(await textOf(page, 'stats-winRate')).toContain('66,67 %');

    // Sharpe of the daily balance without the deposit, worked out here from the curve the page draws.
    const { summary, balance } = await page.evaluate(async () => ({
      summary: await (await fetch('/api/stats/summary')).json(),
      balance: await (await fetch('/api/stats/balance')).json(),
    }));
    const lastOfDay = new Map<string, number>();
    for (const p of balance.points as { time: string; performance: string }[]) {
      lastOfDay.set(p.time.slice(0, 10), Number(p.performance));
    }
    const closes = [...lastOfDay.values()];
    const returns = closes.slice(1).map((c, i) => c / closes[i] - 1);
    const mean = returns.reduce((a, r) => a + r, 0) / returns.length;
    const sd = Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (returns.length - 1));
    expect(returns.length).toBeGreaterThanOrEqual(2);
    expect(summary.sharpe).toBeCloseTo((mean / sd) * Math.sqrt(365), 3);
    // The tile shows the figure rounded (trailing zeros dropped: 2.60 reads « 2,6 »).
    const shown = Number(
      /(-?[\d,]+)/.exec((await textOf(page, 'stats-sharpe')).replace('−', '-'))![1].replace(',', '.'),
    );
    expect(Math.abs(Math.abs(shown) - Math.abs(summary.sharpe))).toBeLessThanOrEqual(0.005);

    await page.getByTestId('stats-balance-chart').locator('canvas').first().waitFor();
    expect(await textOf(page, 'stats-flows')).toMatch(/: \S+ \S+ UTC Dépôt 1 000,00 USDT$/);
    const rows = page.getByTestId('stats-by-strategy').locator('tbody tr');
    expect(await rows.count()).toBe(2);
    // Sorted by P&L, best first: the strategy (+56.97) before the manual trades of both brokers (+31.845).
    expect(await rows.first().textContent()).toContain(strategyName);
    await page.getByTestId('stats-by-strategy').getByTestId('sort-realizedPnl').click();
    expect(await rows.first().textContent()).toContain('Trading manuel');
    expect(await textOf(page, 'stats-by-source')).toContain('Alerte RSI');
    await page.mouse.move(0, 0);
    await screenshot(page, 'stats-dark');
  });

  it('opens the trades of a row', async () => {
    await page.getByTestId(`origin-strategy:${activationId}`).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('origin-trades-table').waitFor();
    expect(await dialog.locator('tbody tr').count()).toBe(3);
    expect(await dialog.getByTestId('trip-pnl').allTextContents()).toEqual([
      expect.stringMatching(/^\s*53,50\sUSDT\s*$/),
      expect.stringMatching(/^\s*[-−]43,28\sUSDT\s*$/),
      expect.stringMatching(/^\s*46,75\sUSDT\s*$/),
    ]);
    await screenshot(page, 'stats-trades');
    await dialog.getByTestId('origin-trades-close').click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('filters by origin, names a bad period, and exports what is shown', async () => {
    await page.getByTestId('stats-source').selectOption('webhook');
    await page.getByTestId('stats-by-strategy').getByText('Aucune ligne pour ces filtres.').waitFor();
    expect(await page.getByTestId('stats-by-source').locator('tbody tr').count()).toBe(1);
    const href = await page.getByTestId('stats-csv').getAttribute('href');
    expect(href).toContain('source=webhook');
    const csv = await page.evaluate(async (url) => (await fetch(url)).text(), href!);
    // A header and the one webhook round trip.
    expect(csv.trim().split('\n')).toHaveLength(2);
    expect(csv).toContain('Alerte RSI');

    await page.getByTestId('stats-source').selectOption('');
    await page.getByTestId('stats-broker').selectOption({ label: 'Binance principal' });
    await page.getByTestId('stats-by-source').getByText('Aucune ligne pour ces filtres.').waitFor();
    expect(await page.getByTestId('stats-trades').getByTestId('value').textContent()).toBe('1');
    expect(await page.getByTestId('stats-realizedPnl').getByTestId('value').textContent()).toMatch(/^27,37\sUSDT$/);
    await page.getByTestId('stats-broker').selectOption('');
    await page.getByTestId('stats-period-custom').click();
    await page.getByTestId('stats-from').fill('2026-11-20');
    await page.getByTestId('stats-to').fill('2026-11-10');
    expect(await textOf(page, 'stats-error')).toBe('Fin : doit être après le début');
  });

  it('reads well in the light theme', async () => {
    await page.getByTestId('stats-period-30d').click();
    await page.getByTestId('stats-error').waitFor({ state: 'detached' });
    await page.locator('aside').getByText('Mon Compte').click();
    await page.getByTestId('theme-light').click();
    await page.getByRole('link', { name: 'Statistiques' }).click();
    await page.getByTestId('stats-balance-chart').locator('canvas').first().waitFor();
    const color = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(color).toBe('rgb(243, 245, 249)');
    await page.mouse.move(0, 0);
    await screenshot(page, 'stats-light');
  });
});
