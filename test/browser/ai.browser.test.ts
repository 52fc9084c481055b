/// <reference lib="dom" />
// The AI assistant in Chromium, against local fake OpenRouter and Ollama servers: Mon Compte's card (switches that
// exclude each other, the provider's models, a refused key named beside its field), then the editor's panel, whose
// proposal can be accepted only once the sandbox has accepted it, and whose request can be cancelled.
import type { Browser, Page } from 'playwright-core';
import { EXAMPLE_STRATEGY } from '../../core/sandbox/templates';
import { listen, startTestApp, uniqueName, type TestApp } from '../helpers/app';
import { launchBrowser, registeredPage, screenshot } from '../helpers/browser';
import { until } from '../helpers/wait';
import { FakeAiServer } from '../fakes/ai-server';

const KEY = 'sk-or-v1-aaaabbbbccccddddeeeeffff00001111';
const RSI = `// RSI 14 : achat quand il repasse au-dessus de 30, vente au-dessus de 70.
class RsiRebond extends Strategy {
  init() {
    this.rsi = ta.rsi(this.candles.close, 14);
  }
  shouldLong() {
    return this.candles.length > 15 && crossedAbove(this.rsi, 30);
  }
  shouldShort() {
    return this.candles.length > 15 && this.rsi.at(-1) > 70;
  }
  calculatePositionSize() {
    return this.balance * 0.2;
  }
  calculateStopLoss() {
    return 0.03;
  }
  calculateTakeProfit() {
    return 0;
  }
}`;
const BROKEN = RSI.replace('this.rsi.at(-1) > 70', 'this.rsi.at(-1) > seuilHaut');
const reply = (code: string) =>
  `\`\`\`javascript\n${code}\n\`\`\`\nAchat au rebond du RSI sous 30, sortie en zone de surachat, stop à 3 %.`;

describe('AI assistant pages', () => {
  let openRouter: FakeAiServer;
  let ollama: FakeAiServer;
  let ollamaUrl: string;
  let app: TestApp;
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  const username = uniqueName('Ai');
  const toggle = (id: string) => page.locator('label.toggle', { has: page.getByTestId(id) });

  beforeAll(async () => {
    openRouter = new FakeAiServer('openrouter');
    openRouter.validKeys.add(KEY);
    ollama = new FakeAiServer('ollama');
    app = await startTestApp({ OPENROUTER_URL: await openRouter.start() });
    ollamaUrl = await ollama.start();
    server = await listen(app);
    browser = await launchBrowser();
    page = await registeredPage(browser, server.url, username, { width: 1500, height: 1000 });
    await page.getByTestId('statusbar').waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server.close();
    await app.close();
    await openRouter.close();
    await ollama.close();
  });

  it('configures OpenRouter then Ollama in Mon Compte, one switch at a time', async () => {
    await page.goto(`${server.url}/compte`);
    await page.getByTestId('ai-off').waitFor();

    await toggle('ai-openrouter').click();
    await page.getByTestId('ai-key').fill('sk-or-v1-wrong');
    await page.getByTestId('ai-load-models').click();
    const keyError = page.getByTestId('ai-card').locator('.field-error');
    await keyError.waitFor();
    expect(await keyError.textContent()).toBe('OpenRouter a refusé la clé API : User not found.');

    await page.getByTestId('ai-key').fill(KEY);
    await page.getByTestId('ai-load-models').click();
    await page.getByTestId('ai-model').locator('option', { hasText: 'gpt-4o-mini' }).waitFor({ state: 'attached' });
    await page.getByTestId('ai-model').selectOption('openai/gpt-4o-mini');
    await page.getByTestId('ai-save').click();
    await page.getByTestId('ai-saved').waitFor();
    expect(await page.getByTestId('ai-key').inputValue()).toBe('');
    expect(await page.getByTestId('ai-key').getAttribute('placeholder')).toContain('sk-o…1111');

    await page.getByTestId('ai-url').fill(ollamaUrl);
    await toggle('ai-ollama').click();
    expect(await page.getByTestId('ai-openrouter').isChecked()).toBe(false);
    await page
      .getByTestId('ai-model')
      .locator('option', { hasText: 'qwen2.5-coder:7b' })
      .waitFor({ state: 'attached' });
    await page.getByTestId('ai-model').selectOption('qwen2.5-coder:7b');
    await page.getByTestId('ai-save').click();
    await page.getByTestId('ai-saved').waitFor();
    await screenshot(page, 'account-ai');

    const row = await app.db('users').where({ username }).first();
    expect(row).toMatchObject({ ai_provider: 'ollama', ai_model: 'qwen2.5-coder:7b', ai_ollama_url: ollamaUrl });
  });

  it('proposes code that the sandbox checked, and puts it in the editor only on accept', async () => {
    let calls = 0;
    ollama.reply = () => reply(++calls === 1 ? BROKEN : RSI);
    await page.goto(`${server.url}/strategies`);
    await page.getByTestId('strategy-item').first().waitFor();
    await page.getByTestId('ai-toggle').click();
    await page.getByTestId('ai-prompt').waitFor();
    expect(await page.getByTestId('ai-panel').textContent()).toContain('Ollama · qwen2.5-coder:7b');
    await page.getByTestId('ai-prompt').fill('Achète au rebond du RSI 14 sous 30, vends au-dessus de 70, stop 3 %');
    await page.getByTestId('ai-ask').click();
    const verdict = page.getByTestId('ai-verdict');
    await verdict.waitFor({ timeout: 20_000 });
    expect(await verdict.textContent()).toContain('Validé par le bac à sable');
    expect(await verdict.textContent()).toContain('corrigé');
    expect(await page.locator('.cm-content').textContent()).not.toContain('RsiRebond');
    await screenshot(page, 'ai-assistant');

    await page.getByTestId('ai-accept').click();
    await page.locator('.cm-content').getByText('class RsiRebond extends Strategy').waitFor();
    expect(await page.getByTestId('ai-proposal').count()).toBe(0);
  });

  it('keeps a proposal the sandbox refused out of the editor', async () => {
    ollama.reply = () => reply(BROKEN);
    await page.getByTestId('ai-ask').click();
    const verdict = page.getByTestId('ai-verdict');
    await verdict.waitFor({ timeout: 20_000 });
    expect(await verdict.textContent()).toContain('seuilHaut');
    expect(await page.getByTestId('ai-accept').isDisabled()).toBe(true);
    await page.getByTestId('ai-reject').click();
    expect(await page.getByTestId('ai-proposal').count()).toBe(0);
  });

  it('cancels a slow request, and the provider is told', async () => {
    ollama.reply = () => reply(EXAMPLE_STRATEGY);
    ollama.chatDelayMs = 10_000;
    const abandoned = ollama.abandoned;
    await page.getByTestId('ai-ask').click();
    await page.getByTestId('ai-working').waitFor();
    await page.getByTestId('ai-cancel').click();
    await page.getByTestId('ai-ask').waitFor();
    expect(await page.getByTestId('ai-panel-error').count()).toBe(0);
    await until(() => ollama.abandoned > abandoned, 3000);
  });
});
