/** A market of the broker's exchange, as `exchange_symbols` stores it. */
export interface TickerMarket {
  symbol: string;
  base: string;
  quote: string;
  type: string;
  id?: string;
}

export type TickerResult = { ok: true; symbol: string } | { ok: false; reason: string };

const PERPETUAL = /(\.P|PERP)$/i;

/**
 * The broker's ccxt market a ticker names, written as TradingView writes it (`BTCUSDT`, `BINANCE:BTCUSDT`,
 * `BTCUSDT.P` for a perpetual) or as ccxt does (`BTC/USDT`, `BTC/USDT:USDT`). The exchange prefix is not checked:
 * a chart of one exchange often drives orders on another. A perpetual on a spot source is refused, not bought spot.
 */
export function resolveTicker(ticker: string, markets: TickerMarket[], market: 'spot' | 'futures'): TickerResult {
  const written = ticker.trim();
  const unknown: TickerResult = { ok: false, reason: `symbol : paire inconnue chez ce broker : ${written}` };
  const wantedType = (m: TickerMarket) =>
    market === 'spot' ? m.type === 'spot' : m.type === 'swap' || m.type === 'future';
  if (written.includes('/')) {
    const found = markets.find((m) => m.symbol.toUpperCase() === written.toUpperCase());
    if (!found) return unknown;
    if (!wantedType(found)) {
      return {
        ok: false,
        reason: `symbol : ${found.symbol} n'est pas un marché ${market === 'spot' ? 'spot' : 'futures'}`,
      };
    }
    return { ok: true, symbol: found.symbol };
  }
  const name = written.includes(':') ? written.slice(written.lastIndexOf(':') + 1) : written;
  const perpetual = PERPETUAL.test(name);
  if (perpetual && market === 'spot') {
    return {
      ok: false,
      reason: `symbol : ${written} est un contrat perpétuel, la source trade en spot (choisissez futures, ou le ticker spot)`,
    };
  }
  const compact = name.replace(PERPETUAL, '').replace(/[-_/]/g, '').toUpperCase();
  const candidates = markets.filter(
    (m) => wantedType(m) && ((m.id ?? '').toUpperCase() === compact || `${m.base}${m.quote}`.toUpperCase() === compact),
  );
  // A perpetual before a dated future of the same pair: that is what TradingView's `.P` names.
  const found = candidates.find((m) => m.type === 'swap') ?? candidates[0];
  if (!found) {
    if (market === 'futures' && markets.some((m) => `${m.base}${m.quote}`.toUpperCase() === compact)) {
      return { ok: false, reason: `symbol : ce broker n'a pas de contrat futures sur ${written}` };
    }
    return unknown;
  }
  return { ok: true, symbol: found.symbol };
}
