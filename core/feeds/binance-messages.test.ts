// Binance's documented payloads parse; garbage is reported, never thrown.
import { toTradeEvent } from '../../test/fakes/binance-server';
import { describeWithFixtures, fixture, haveFixtures } from '../../test/helpers/fixtures';
import { xrpEthTrades } from '../../test/helpers/market-data';
import { parseFeedMessage } from './binance-messages';

describe('trades as Binance documents them', () => {
  const aggTrade = xrpEthTrades()[0]!;
  const trade = toTradeEvent(aggTrade);
  it.each([
    ['aggTrade', aggTrade],
    ['trade', trade],
    ['combined aggTrade', { stream: 'xrpeth@aggTrade', data: aggTrade }],
    ['combined trade', { stream: 'xrpeth@trade', data: trade }],
  ])('%s is a trade', (_name, message) => {
    expect(parseFeedMessage(JSON.stringify(message))).toEqual({
      kind: 'trade',
      symbol: 'XRPETH',
      price: aggTrade.p,
      quantity: aggTrade.q,
      time: aggTrade.T,
    });
  });
});

describeWithFixtures("Binance's documented stream payloads", () => {
  it.each([
    'binance/ws/combined_aggTrade.json',
    'binance/ws/combined_trade.json',
    'binance/ws/aggTrade.json',
    'binance/ws/trade.json',
  ])('%s is a trade', (file) => {
    const raw = fixture(file);
    const data = JSON.parse(raw).data ?? JSON.parse(raw);
    expect(parseFeedMessage(raw)).toEqual({
      kind: 'trade',
      symbol: data.s,
      price: data.p,
      quantity: data.q,
      time: data.T,
    });
  });

  it('recognises serverShutdown, raw and combined', () => {
    expect(parseFeedMessage(fixture('binance/ws/serverShutdown_raw.json')).kind).toBe('shutdown');
    expect(parseFeedMessage(fixture('binance/ws/combined_serverShutdown.json')).kind).toBe('shutdown');
  });

  it('treats the replies to control requests as control messages', () => {
    const controls = JSON.parse(fixture('binance/ws/control_messages.json')) as Record<string, { response: unknown }>;
    for (const { response } of Object.values(controls)) {
      expect(parseFeedMessage(JSON.stringify(response)).kind).toBe('control');
    }
  });

  it('reports kline events as unknown (the heartbeat builds candles from trades)', () => {
    expect(parseFeedMessage(fixture('binance/ws/combined_kline_1m.json'))).toEqual({ kind: 'unknown', event: 'kline' });
  });
});

describe('garbage', () => {
  it.each([
    ['not json', '{"e":"trade",'],
    ['a number', '42'],
    ['a bad price', '{"e":"trade","s":"BTCUSDT","p":"1e5x","q":"1","T":1}'],
    ['a negative quantity', '{"e":"aggTrade","s":"BTCUSDT","p":"1","q":"-1","T":1}'],
    ['no time', '{"e":"trade","s":"BTCUSDT","p":"1","q":"1"}'],
  ])('%s is invalid', (_name, raw) => {
    expect(parseFeedMessage(raw).kind).toBe('invalid');
  });
});

describe('the fast path', () => {
  it(`reads ${haveFixtures ? '12,477 real' : 'generated'} aggTrade events exactly as the full JSON parse does`, () => {
    const lines = haveFixtures
      ? fixture('trades/binance_XRPETH_aggTrade_ws_events_derived.jsonl').trim().split('\n')
      : xrpEthTrades().map((event) => JSON.stringify(event));
    for (const line of lines) {
      // Spaces after the colons send the same message through the full parse.
      const slow = parseFeedMessage(JSON.stringify(JSON.parse(line), null, 1));
      expect(parseFeedMessage(line)).toEqual(slow);
    }
    expect(lines).toHaveLength(haveFixtures ? 12_477 : xrpEthTrades().length);
  });
});
