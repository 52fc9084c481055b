import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describeWithFixtures, FIXTURES } from '../../test/helpers/fixtures';
import { parseWebhookBody, type WebhookSignal } from './parse';
import { resolveTicker, type TickerMarket } from './ticker';

const accepted = (body: string): WebhookSignal => {
  const result = parseWebhookBody(body);
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  return result.signal;
};
const reasonOf = (body: string): string => {
  const result = parseWebhookBody(body);
  if (result.ok) throw new Error(`accepted: ${JSON.stringify(result.signal)}`);
  return result.reason;
};

describe('our JSON', () => {
  it('reads every field, numbers kept exactly as written', () => {
    expect(
      accepted(
        '{"action":"Long","symbol":"BTC/USDT","quantity":"0.123456789012345678","type":"limit","price":26000.5,' +
          '"stopLoss":"25000","takeProfit":28000,"id":42,"time":"2026-12-02T10:00:00Z","passphrase":"pw"}',
      ),
    ).toEqual({
      format: 'aristobot',
      action: 'buy',
      ticker: 'BTC/USDT',
      size: { quantity: '0.123456789012345678' },
      type: 'limit',
      price: '26000.5',
      stopLoss: '25000',
      takeProfit: '28000',
      id: '42',
      time: '2026-12-02T10:00:00Z',
      passphrase: 'pw',
    });
  });

  it.each([
    ['{"action":"buy","amount":"1.5e+06"}', { quantity: '1500000' }],
    ['{"action":"buy","contracts":2E-3}', { quantity: '0.002' }],
    ['{"action":"buy","quoteAmount":"100"}', { quoteAmount: '100' }],
    ['{"action":"buy","percent":12.5}', { percent: '12.5' }],
    ['{"action":"close"}', null],
  ])('sizes %s as %j', (body, size) => {
    expect(accepted(body).size).toEqual(size);
  });

  it.each([
    ['buy', 'buy'],
    ['LONG', 'buy'],
    ['sell', 'sell'],
    ['short', 'sell'],
    ['close', 'close'],
    ['Exit', 'close'],
  ])('takes the action %s as %s', (action, expected) => {
    expect(accepted(`{"action":"${action}"}`).action).toBe(expected);
  });

  it('tolerates a BOM, surrounding whitespace, a trailing = and non-ASCII text', () => {
    const signal = accepted('\uFEFF\r\n  {"action":"buy","symbol":"BTCUSDT","note":"achat après croisement 📈"}=\n');
    expect(signal).toMatchObject({ action: 'buy', ticker: 'BTCUSDT' });
  });

  it.each([
    ['', 'message : vide'],
    ['   \n', 'message : vide'],
    ['[{"action":"buy"}]', 'un tableau'],
    ['42', 'une valeur seule'],
    ['"buy"', 'une valeur seule'],
    ['{"action":"buy","quantity":NaN}', 'NaN'],
    ['{"action":"buy","quantity":Infinity}', 'Infinity'],
    ['<!DOCTYPE html><html></html>', 'HTML'],
    ['{"action":"buy","action":"sell"}', 'action : donné deux fois'],
    ['{"action":"hold"}', '« hold » inconnue'],
    ['{"symbol":"BTCUSDT"}', 'action : absente'],
    ['{"action":"buy","quantity":"{{strategy.order.contracts}}"}', '{{strategy.order.contracts}}'],
    ['{"action":"buy","close":{{close}}}', '{{close}}'],
    ['{"action":"buy","quantity":-1}', 'quantity : doit être positif'],
    ['{"action":"buy","quantity":0}', 'quantity : doit être positif'],
    ['{"action":"buy","quantity":"beaucoup"}', "n'est pas un nombre"],
    ['{"action":"buy","quantity":"1e30"}', '18 chiffres au plus'],
    ['{"action":"buy","quantity":"0.0000000000000000001"}', '18 décimales au plus'],
    ['{"action":"buy","type":"limit","quantity":1}', 'price : obligatoire'],
    ['{"action":"buy","type":"stop","quantity":1}', 'type'],
    ['{"action":"buy","quantity":1,"percent":5}', 'une seule de quantity, percent'],
    ['{"action":"buy","percent":150}', '100 au plus'],
    ['{"action":"buy",}', 'JSON invalide'],
    ['buy BTC now', 'format non reconnu'],
  ])('refuses %j: %s', (body, reason) => {
    expect(reasonOf(body)).toContain(reason);
  });

  it('accepts a key given twice with the same value', () => {
    expect(accepted('{"action":"buy","action":"buy"}').action).toBe('buy');
  });
});

describe("TradingView's strategy placeholders, filled in", () => {
  it('closes when the strategy is flat, and sizes an entry to the position it now holds', () => {
    const flat =
      '{"action":"sell","marketPosition":"flat","positionSize":"0","contracts":"1","ticker":"BINANCE:BTCUSDT"}';
    expect(accepted(flat)).toMatchObject({ format: 'tradingview', action: 'close', size: null });
    // A reversal from 1 long to 1 short is one order of 2 contracts; the new position is 1.
    const reversal =
      '{"action":"sell","marketPosition":"short","positionSize":"-1","contracts":"2","ticker":"BTCUSDT.P"}';
    expect(accepted(reversal)).toMatchObject({ action: 'sell', size: { quantity: '1' }, ticker: 'BTCUSDT.P' });
  });

  it('refuses an unknown market position', () => {
    expect(reasonOf('{"action":"buy","marketPosition":"sideways","contracts":"1"}')).toContain('marketPosition');
  });
});

describe('OctoBot text signals', () => {
  it.each([
    ['SIGNAL=BUY\nSYMBOL=BTCUSDT\nVOLUME=0.01', { action: 'buy', size: { quantity: '0.01' }, type: 'market' }],
    ['SIGNAL=SELL;SYMBOL=BTCUSDT;VOLUME=50a%', { action: 'sell', size: { percent: '50' } }],
    [
      'EXCHANGE=binance\r\nSYMBOL=ETHUSDT\r\nSIGNAL=BUY\r\nORDER_TYPE=LIMIT\r\nPRICE=1500\r\nSTOP_PRICE=1400\r\nTAKE_PROFIT_PRICE=1700\r\nTAG=x',
      { type: 'limit', price: '1500', stopLoss: '1400', takeProfit: '1700', ticker: 'ETHUSDT' },
    ],
  ])('reads %j', (body, expected) => {
    expect(accepted(body)).toMatchObject({ format: 'octobot', ...expected });
  });

  it.each([
    ['SIGNAL=BUY\nVOLUME=10%', 'VOLUME'],
    ['SIGNAL=BUY\nVOLUME=10s%', 'VOLUME'],
    ['SIGNAL=BUY\nVOLUME=10t%', 'VOLUME'],
    ['SIGNAL=BUY\nORDER_TYPE=STOP', 'ORDER_TYPE : STOP'],
    ['SIGNAL=BUY\nTAKE_PROFIT_PRICE_1=10\nTAKE_PROFIT_PRICE_2=11', 'TAKE_PROFIT_PRICE_1'],
    ['SIGNAL=BUY\nREDUCE_ONLY=true', 'REDUCE_ONLY'],
    ['SIGNAL=BUY\nLEVERAGE=10', 'LEVERAGE : clé inconnue'],
    ['SIGNAL=HOLD', 'SIGNAL'],
    ['SYMBOL=BTCUSDT', 'SIGNAL : absent'],
    ['SIGNAL=BUY\nSIGNAL=SELL', 'deux fois'],
    ['SIGNAL=BUY\nORDER_TYPE=LIMIT', 'PRICE : obligatoire'],
  ])('refuses %j naming %s', (body, reason) => {
    expect(reasonOf(body)).toContain(reason);
  });
});

describeWithFixtures('the TradingView bodies of the fixtures', () => {
  const example = (name: string) => readFileSync(path.join(FIXTURES, 'tradingview', 'examples', name), 'utf8');

  it('refuses the raw templates, naming their first placeholder', () => {
    expect(reasonOf(example('01_hackingthemarkets_strategy_template.txt'))).toContain('{{timenow}}');
    expect(reasonOf(example('03_tradingview_doc_plaintext_template.txt'))).toContain('{{exchange}}');
    expect(reasonOf(example('05_3commas_signal_bot_strategy_template.json'))).toContain('{{timenow}}');
  });

  it('reads the filled strategy alert, without taking its Pine order id for an alert id', () => {
    expect(accepted(example('02_hackingthemarkets_strategy_filled.json'))).toEqual({
      format: 'tradingview',
      action: 'buy',
      ticker: 'BINANCE:DOGEUSDT',
      size: { quantity: '10000' },
      type: 'market',
      price: '0.0027451',
      stopLoss: null,
      takeProfit: null,
      id: null,
      time: '2020-09-06T01:44:17Z',
      passphrase: 'abcdefgh',
    });
  });

  it("reads OctoBot's signal as a percent of the free balance", () => {
    expect(accepted(example('04_octobot_plaintext_signal.txt'))).toMatchObject({
      action: 'buy',
      ticker: 'SOLUSDT',
      size: { percent: '100' },
    });
  });

  it.each([
    ['base', { quantity: '0.25' }],
    ['quote', { quoteAmount: '0.25' }],
  ])("reads 3Commas' template once filled in, amount in %s", (currency, size) => {
    const filled = example('05_3commas_signal_bot_strategy_template.json')
      .replace('{{timenow}}', '2026-12-02T10:00:00Z')
      .replace('{{close}}', '26000.1')
      .replace('{{exchange}}', 'BINANCE')
      .replace('{{ticker}}', 'BTCUSDT')
      .replace('{{strategy.order.action}}', 'buy')
      .replace('{{strategy.market_position}}', 'long')
      .replace('{{strategy.market_position_size}}', '0.25')
      .replace('{{strategy.prev_market_position}}', 'flat')
      .replace('{{strategy.prev_market_position_size}}', '0')
      .replace('{{strategy.order.contracts}}', '0.25')
      .replace('"base"', `"${currency}"`);
    expect(accepted(filled)).toEqual({
      format: '3commas',
      action: 'buy',
      ticker: 'BINANCE:BTCUSDT',
      size,
      type: 'market',
      price: '26000.1',
      stopLoss: null,
      takeProfit: null,
      id: null,
      time: '2026-12-02T10:00:00Z',
      passphrase: 'token',
    });
  });

  it("refuses Alertatron's command syntax as not recognised", () => {
    expect(reasonOf(example('06_alertatron_command_plaintext.txt'))).toContain('format non reconnu');
  });
});

describe('tickers', () => {
  const markets: TickerMarket[] = [
    { symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', type: 'spot' },
    { symbol: 'BTC/USDT:USDT', base: 'BTC', quote: 'USDT', type: 'swap' },
    { symbol: 'ETH/BTC', base: 'ETH', quote: 'BTC', type: 'spot' },
  ];
  it.each([
    ['BTCUSDT', 'spot', 'BTC/USDT'],
    ['BINANCE:BTCUSDT', 'spot', 'BTC/USDT'],
    ['btc/usdt', 'spot', 'BTC/USDT'],
    ['ethbtc', 'spot', 'ETH/BTC'],
    ['BTCUSDT.P', 'futures', 'BTC/USDT:USDT'],
    ['BINANCE:BTCUSDTPERP', 'futures', 'BTC/USDT:USDT'],
    ['BTCUSDT', 'futures', 'BTC/USDT:USDT'],
  ] as const)('%s on a %s source is %s', (ticker, market, symbol) => {
    expect(resolveTicker(ticker, markets, market)).toEqual({ ok: true, symbol });
  });
  it.each([
    ['BTCUSDT.P', 'spot', 'perpétuel'],
    ['DOGEUSDT', 'spot', 'paire inconnue chez ce broker : DOGEUSDT'],
    ['ETHBTC', 'futures', 'pas de contrat futures sur ETHBTC'],
    ['BTC/USDT:USDT', 'spot', "n'est pas un marché spot"],
  ] as const)('refuses %s on a %s source: %s', (ticker, market, reason) => {
    const result = resolveTicker(ticker, markets, market);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });
});
