/**
 * A market is named by its exchange and its ccxt unified symbol (`BTC/USDT`) everywhere Aristobot stores or shows it;
 * Binance's own id (`BTCUSDT`) is spoken only on the wire: the stream names, the klines requests, the trade messages.
 */

/**
 * Binance's quote assets, longest first so that `…FDUSD` is not read as `…USD`. Only used to read a market written in
 * Binance's form (`BTCUSDT` in HEARTBEAT_SYMBOLS, in a URL, in the candles stored before the names were unified).
 */
export const BINANCE_QUOTES = [
  'FDUSD',
  'USDT',
  'USDC',
  'TUSD',
  'BUSD',
  'USDP',
  'BIDR',
  'IDRT',
  'AEUR',
  'DAI',
  'BTC',
  'ETH',
  'BNB',
  'EUR',
  'TRY',
  'BRL',
  'JPY',
  'GBP',
  'AUD',
  'UAH',
  'RUB',
  'ZAR',
  'PLN',
  'RON',
  'ARS',
  'MXN',
  'COP',
  'CZK',
  'XRP',
  'TRX',
  'DOGE',
  'DOT',
  'SOL',
] as const;

const UNIFIED = /^[A-Z0-9]{1,20}\/[A-Z0-9]{1,20}$/;
const BINANCE_ID = /^[A-Z0-9]{2,30}$/;

/** Binance's id of a spot market: `BTC/USDT` → `BTCUSDT`. */
export function binanceId(symbol: string): string {
  return symbol.replace('/', '');
}

/**
 * The unified symbol of a spot market written either way (`btc/usdt`, `BTCUSDT`), or undefined when it is neither
 * (a futures symbol, a quote asset Binance does not have).
 */
export function unifiedSymbol(input: string): string | undefined {
  const value = input.trim().toUpperCase();
  if (UNIFIED.test(value)) return value;
  if (!BINANCE_ID.test(value)) return undefined;
  const quote = BINANCE_QUOTES.find((q) => value.endsWith(q) && value.length > q.length);
  return quote ? `${value.slice(0, -quote.length)}/${quote}` : undefined;
}
