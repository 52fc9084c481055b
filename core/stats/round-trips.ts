import { Dec, STORED_DECIMALS } from '../decimal';

/** A fill as the statistics read it from `trades`: what the exchange filled, at what average price, for what fee. */
export interface StatsFill {
  id: number;
  time: number;
  brokerId: number;
  /** Unified symbol: `BTC/USDT`, or `BTC/USDT:USDT` for a linear perpetual (contracts counted in the base). */
  symbol: string;
  /** Whose trade it is: `manual`, `strategy:<activation id>` or `webhook:<source id>`; lots never cross origins. */
  origin: string;
  side: 'buy' | 'sell';
  quantity: string;
  price: string;
  fee: string | null;
  feeCurrency: string | null;
}

/**
 * A fee's value in the quote currency, or null when it cannot be told from the fill alone (a third currency such as
 * BNB): the caller may convert it from a price of its own.
 */
export type FeeValue = (fill: StatsFill, base: string, quote: string) => Dec | null;

/** A fee in the base or the quote currency, valued at the fill's own price. */
export const feeAtFillPrice: FeeValue = (fill, base, quote) => {
  if (!fill.fee || Dec(fill.fee).isZero()) return Dec(0);
  if (fill.feeCurrency === quote) return Dec(fill.fee);
  if (fill.feeCurrency === base) return Dec(fill.fee).times(fill.price);
  return null;
};

export interface RoundTrip {
  brokerId: number;
  symbol: string;
  origin: string;
  side: 'long' | 'short';
  /** Base quantity that went in and came out. */
  quantity: string;
  entryTime: number;
  exitTime: number;
  /** Average prices of the matched parts, fees aside. */
  entryPrice: string;
  exitPrice: string;
  /** The matched parts' fees, in quote. */
  fees: string;
  /** Quote received minus quote paid for the matched parts, fees included. */
  realizedPnl: string;
  entryFillIds: number[];
  exitFillId: number;
}

export interface MatchResult {
  roundTrips: RoundTrip[];
  /** Realised P&L carried by each closing fill (the sum of its round trips). */
  fillPnl: Map<number, string>;
  /** Fills whose fee could not be valued in quote (counted as zero). */
  unvaluedFees: number[];
  /**
   * What is still open per broker, symbol and origin: signed base quantity (negative: short), since the time of its
   * oldest lot.
   */
  open: { brokerId: number; symbol: string; origin: string; quantity: string; since: number }[];
}

/** What is left of one fill to be matched: its base quantity still open and the quote that came with it. */
interface Lot {
  fill: StatsFill;
  /** Signed base change the fill made (a base fee taken from a buy holds less). */
  base: Dec;
  /** Signed quote change, fees in quote included. */
  quote: Dec;
  fee: Dec;
  left: Dec;
}

const out = (value: Dec) => value.toDecimalPlaces(STORED_DECIMALS, Dec.ROUND_HALF_EVEN).toFixed();

function lotOf(fill: StatsFill, feeValue: FeeValue, unvalued: number[]): Lot {
  const [base, quoteWithSuffix] = fill.symbol.split('/');
  const quote = quoteWithSuffix.split(':')[0];
  const quantity = Dec(fill.quantity);
  const notional = quantity.times(fill.price);
  const sign = fill.side === 'buy' ? 1 : -1;
  let baseChange = quantity.times(sign);
  let quoteChange = notional.times(-sign);
  const fee = fill.fee ? Dec(fill.fee) : Dec(0);
  // The fee leaves the account in its own currency: less base held, or less quote.
  if (fill.feeCurrency === base) baseChange = baseChange.minus(fee);
  else if (fill.feeCurrency === quote) quoteChange = quoteChange.minus(fee);
  const value = feeValue(fill, base, quote);
  if (value === null) unvalued.push(fill.id);
  else if (fill.feeCurrency !== base && fill.feeCurrency !== quote) quoteChange = quoteChange.minus(value);
  return { fill, base: baseChange, quote: quoteChange, fee: value ?? Dec(0), left: baseChange.abs() };
}

/** A lot's share for `quantity` of its base: its quote and fee pro rata. */
function share(lot: Lot, quantity: Dec): { quote: Dec; fee: Dec; notional: Dec } {
  const part = lot.base.isZero() ? Dec(0) : quantity.div(lot.base.abs());
  return { quote: lot.quote.times(part), fee: lot.fee.times(part), notional: quantity.times(lot.fill.price) };
}

/**
 * Matches fills into round trips, first in first out, per broker, symbol and origin, in time order: a fill against
 * the open side closes its oldest lots and what is left of it opens the other side (a flip). Every figure is exact
 * (decimal), so the same fills give the same round trips and P&L to whoever asks.
 */
export function matchRoundTrips(fills: StatsFill[], feeValue: FeeValue = feeAtFillPrice): MatchResult {
  const books = new Map<string, Lot[]>();
  const roundTrips: RoundTrip[] = [];
  const fillPnl = new Map<number, string>();
  const unvaluedFees: number[] = [];
  const ordered = [...fills].sort((a, b) => a.time - b.time || a.id - b.id);
  for (const fill of ordered) {
    const key = `${fill.brokerId}\u0000${fill.symbol}\u0000${fill.origin}`;
    const book = books.get(key) ?? [];
    books.set(key, book);
    const lot = lotOf(fill, feeValue, unvaluedFees);
    if (lot.left.isZero()) continue;
    let closedPnl = Dec(0);
    let closedAny = false;
    while (lot.left.gt(0) && book.length && book[0].base.isNegative() !== lot.base.isNegative()) {
      const entry = book[0];
      const quantity = Dec.min(entry.left, lot.left);
      const opened = share(entry, quantity);
      const closed = share(lot, quantity);
      const pnl = opened.quote.plus(closed.quote);
      roundTrips.push({
        brokerId: fill.brokerId,
        symbol: fill.symbol,
        origin: fill.origin,
        side: entry.base.isNegative() ? 'short' : 'long',
        quantity: out(quantity),
        entryTime: entry.fill.time,
        exitTime: fill.time,
        entryPrice: out(opened.notional.div(quantity)),
        exitPrice: out(closed.notional.div(quantity)),
        fees: out(opened.fee.plus(closed.fee)),
        realizedPnl: out(pnl),
        entryFillIds: [entry.fill.id],
        exitFillId: fill.id,
      });
      closedPnl = closedPnl.plus(pnl);
      closedAny = true;
      entry.left = entry.left.minus(quantity);
      lot.left = lot.left.minus(quantity);
      if (entry.left.isZero()) book.shift();
    }
    if (closedAny) fillPnl.set(fill.id, out(closedPnl));
    if (lot.left.gt(0)) book.push(lot);
  }
  const open = [...books.values()]
    .filter((book) => book.length)
    .map((book) => {
      const { brokerId, symbol, origin, time } = book[0].fill;
      const total = book.reduce((sum, lot) => sum.plus(lot.base.isNegative() ? lot.left.neg() : lot.left), Dec(0));
      return { brokerId, symbol, origin, quantity: out(total), since: time };
    });
  return { roundTrips: mergeSplitExits(roundTrips), fillPnl, unvaluedFees, open };
}

/**
 * One exit that closed several entry lots is one round trip: its parts are summed, prices weighted by quantity.
 * Consecutive parts only, as matched.
 */
function mergeSplitExits(parts: RoundTrip[]): RoundTrip[] {
  const merged: RoundTrip[] = [];
  for (const part of parts) {
    const last = merged[merged.length - 1];
    if (!last || last.exitFillId !== part.exitFillId || last.side !== part.side) {
      merged.push({ ...part });
      continue;
    }
    const a = Dec(last.quantity);
    const b = Dec(part.quantity);
    const quantity = a.plus(b);
    const weighted = (x: string, y: string) => out(Dec(x).times(a).plus(Dec(y).times(b)).div(quantity));
    merged[merged.length - 1] = {
      ...last,
      quantity: out(quantity),
      entryPrice: weighted(last.entryPrice, part.entryPrice),
      exitPrice: weighted(last.exitPrice, part.exitPrice),
      fees: out(Dec(last.fees).plus(part.fees)),
      realizedPnl: out(Dec(last.realizedPnl).plus(part.realizedPnl)),
      entryFillIds: [...last.entryFillIds, ...part.entryFillIds],
    };
  }
  return merged;
}
