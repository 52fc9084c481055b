// Which timeframe a download asks an exchange for, read from the timeframes ccxt's own classes list.
import ccxt from 'ccxt';
import { servedTimeframe } from './download';

describe('servedTimeframe', () => {
  const binance = new ccxt.binance().timeframes;
  const kraken = new ccxt.kraken().timeframes;

  it('asks for a timeframe the exchange serves as it is', () => {
    expect(servedTimeframe(binance, '1h')).toBe('1h');
    expect(servedTimeframe(binance, '3m')).toBe('3m');
  });

  it('asks for the longest shorter timeframe that divides one the exchange lacks', () => {
    // Binance has no 10m; Kraken has neither 3m nor 2h nor 10m, and 10m is not a whole number of its 15m.
    expect(servedTimeframe(binance, '10m')).toBe('5m');
    expect(servedTimeframe(kraken, '10m')).toBe('5m');
    expect(servedTimeframe(kraken, '3m')).toBe('1m');
    expect(servedTimeframe(kraken, '2h')).toBe('1h');
    expect(servedTimeframe({ '7m': '7m' }, '10m')).toBeNull();
  });

  it('asks as it is when ccxt lists no timeframe for the exchange', () => {
    expect(servedTimeframe(undefined, '10m')).toBe('10m');
    expect(servedTimeframe({}, '10m')).toBe('10m');
  });
});
