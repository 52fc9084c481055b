// Binance's documented klines rows become minute candles with the exchange's strings untouched.
import { describeWithFixtures, fixture } from '../../test/helpers/fixtures';
import { parseKline } from './binance-klines';

describeWithFixtures('klines rows', () => {
  it('reads the documented GET /api/v3/klines example', () => {
    const [row] = JSON.parse(fixture('binance/rest/klines_response.json')) as unknown[];
    expect(parseKline(row)).toEqual({
      openTime: 1499040000000,
      open: '0.01634790',
      high: '0.80000000',
      low: '0.01575800',
      close: '0.01577100',
      volume: '148976.11427815',
      trades: 308,
    });
  });
});

it('refuses rows it cannot read', () => {
  expect(() => parseKline([1, 'x', '1', '1', '1', '1', 2, '0', 3])).toThrow('valeur de kline illisible : x');
  expect(() => parseKline({})).toThrow('ligne de kline illisible');
});
