/// <reference lib="dom" />
// The Heartbeat page in Chromium against a heartbeat reading the fake Binance: history signals from the database in
// orange, live ones arriving on top in green, the raw stream scrolling, the connection state; each line a candle's
// open time, its tooltip naming the zone, in UTC or in the browser's zone and in French or English.
import type { Browser, Page } from 'playwright-core';
import { announceLiveness } from '../../core/liveness';
import { listen, startTestApp, uniqueName, type TestApp } from '../helpers/app';
import { launchBrowser, registeredPage, screenshot, screenshotWithTooltip, chooseLanguage } from '../helpers/browser';
import { HeartbeatHarness, MINUTE, until, xrpEthTrades } from '../helpers/heartbeat';

describe('Heartbeat page', () => {
  let app: TestApp;
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  let h: HeartbeatHarness;
  let stopLiveness: () => Promise<void>;

  beforeAll(async () => {
    app = await startTestApp();
    server = await listen(app);
    browser = await launchBrowser();
    const trades = xrpEthTrades();
    const day = trades[0]!.T - (trades[0]!.T % (4 * 3_600_000));
    h = await new HeartbeatHarness(trades, day + 5_000, app.config.QUEUE_PREFIX).listen();
    await h.db('candles').where({ symbol: 'XRP/ETH' }).delete();
    await h.db('candles_heartbeat').where({ symbol: 'XRP/ETH' }).delete();
    stopLiveness = announceLiveness(app.redis, app.config.QUEUE_PREFIX, 'heartbeat');
  }, 60_000);

  afterAll(async () => {
    // The page polls the app until the browser is gone.
    await browser?.close();
    await stopLiveness();
    await h.close();
    await server.close();
    await app.close();
  });

  it('shows history in orange, then live signals on top in green, and the raw stream', async () => {
    const actor = h.actor();
    await actor.start();
    await until(() => h.fake.connections() === 1);
    await h.runMinutes(actor, h.start - 5_000, h.start - 5_000 + 70 * MINUTE);

    page = await registeredPage(browser, server.url, uniqueName('Hb'), { width: 1400, height: 900 });
    await page.getByTestId('heartbeat-connection').getByText('Connecté').waitFor();

    const oneMinute = page.getByTestId('signals-1m').locator('li');
    await oneMinute.first().waitFor();
    expect(await oneMinute.count()).toBe(60);
    expect(await oneMinute.first().textContent()).toBe('19.10.11_01:09');
    expect(await oneMinute.first().getAttribute('class')).toBe('history');
    expect(await page.getByTestId('signals-1h').locator('li.history').allTextContents()).toEqual(['19.10.11_00:00']);
    // The last signal is this heartbeat's pair's, whatever other pairs the database holds.
    await page.getByTestId('heartbeat-connection').getByText('11/10/2019 01:10:01 UTC').waitFor();

    await h.runMinutes(actor, h.start - 5_000 + 70 * MINUTE, h.start - 5_000 + 75 * MINUTE);
    await page.getByTestId('signals-5m').locator('li.live').first().waitFor();
    expect(await page.getByTestId('signals-1m').locator('li.live').allTextContents()).toEqual([
      '19.10.11_01:14',
      '19.10.11_01:13',
      '19.10.11_01:12',
      '19.10.11_01:11',
      '19.10.11_01:10',
    ]);
    expect(await oneMinute.count()).toBe(60);
    await page.getByTestId('heartbeat-stream').locator('li', { hasText: '"e":"trade"' }).first().waitFor();
    await screenshot(page, 'heartbeat');
    await screenshotWithTooltip(page, oneMinute.first(), 'heartbeat-tooltip-utc-fr');

    // Each line is a candle's open time: its tooltip says so, in which zone, and when the signal came.
    expect(await oneMinute.first().getAttribute('title')).toMatch(
      /^Heure d'ouverture de la bougie, en UTC · signal reçu le 11\/10\/2019 01:1\d:\d\d UTC$/,
    );
    expect(await page.getByTestId('signals-help').getAttribute('title')).toBe(
      "Chaque ligne est l'heure d'ouverture d'une bougie, AA.MM.JJ_HH:MM en UTC",
    );
  });

  it("shows the same candles at the browser's time, its zone named, in English too", async () => {
    const paris = await registeredPage(
      browser,
      server.url,
      uniqueName('Hp'),
      { width: 1400, height: 900 },
      { timezoneId: 'Europe/Paris' },
    );
    await paris.getByTestId('statusbar').waitFor();
    await paris.goto(`${server.url}/compte`);
    await paris.getByTestId('timezone').selectOption('local');
    await paris.getByText(/Heure affichée maintenant : .* UTC\+[12]$/).waitFor();
    await chooseLanguage(paris, 'en');
    await paris.getByText(/Time shown now: .* UTC\+[12]$/).waitFor();

    await paris.goto(`${server.url}/heartbeat`);
    const oneMinute = paris.getByTestId('signals-1m').locator('li.history');
    await oneMinute.first().waitFor();
    // Paris is two hours ahead of UTC in October 2019 (summer time).
    expect(await oneMinute.first().textContent()).toBe('19.10.11_03:14');
    expect(await oneMinute.first().getAttribute('title')).toMatch(
      /^Candle's open time, in UTC\+2 · signal received 11\/10\/2019, 03:1\d:\d\d UTC\+2$/,
    );
    expect(await paris.getByTestId('heartbeat-connection').textContent()).toMatch(/11\/10\/2019, 03:1\d:\d\d UTC\+2/);
    await screenshotWithTooltip(paris, oneMinute.first(), 'heartbeat-tooltip-local-en');
    await paris.context().close();
  });
});
