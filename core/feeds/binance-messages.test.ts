// Binance's documented payloads parse; garbage is reported, never thrown.
import { describeWithFixtures, fixture } from '../../test/helpers/fixtures';
import { parseFeedMessage } from './binance-messages';

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

describeWithFixtures('the fast path', () => {
  it('reads 12,477 real aggTrade events exactly as the full JSON parse does', () => {
    const lines = fixture('trades/binance_XRPETH_aggTrade_ws_events_derived.jsonl').trim().split('\n');
    for (const line of lines) {
      // Spaces after the colons send the same message through the full parse.
      const slow = parseFeedMessage(JSON.stringify(JSON.parse(line), null, 1));
      expect(parseFeedMessage(line)).toEqual(slow);
    }
    expect(lines).toHaveLength(12_477);
  });
});
