import { decimalFromFloat } from '../decimal';
import { divFixed18, fixedOf, fixedToNumber, fromFixed18 } from './fixed';
import { exposurePct, maxDrawdown, tradeOutcomes } from './outcomes';
import type { RoundTrip } from './round-trips';

/** The currency the page's figures are in; round trips quoted in another are counted apart, never added to them. */
export const SUMMARY_CURRENCY = 'USDT';

export interface StatsSummary {
  currency: string;
  /** Realised P&L of the round trips closed in the period, fees included. */
  realizedPnl: string;
  fees: string;
  trades: number;
  wins: number;
  losses: number;
  winRate: number | null;
  profitFactor: number | null;
  /** Largest fall of the realised P&L cumulated trip after trip, from its running peak. */
  maxDrawdown: string;
  averageTrade: string | null;
  largestWin: string | null;
  largestLoss: string | null;
  /** Round trips quoted in another currency (BTC, ETH…), their P&L in that currency. */
  otherQuotes: { currency: string; trades: number; realizedPnl: string }[];
  /**
   * Share of the period with a position open, in % — from the period's start (or the first fill after it) to its end
   * (or now), positions still open counted up to then.
   */
  exposurePct: number;
}

/** What the exposure needs beyond the closed round trips: the positions still open, the first fill, the clock. */
export interface ExposureContext {
  open?: { since: number }[];
  firstFill?: number;
  now?: number;
}

const quotes = new Map<string, string>();
/** The quote currency of a unified symbol (`BTC/USDT:USDT` → `USDT`), read once per symbol. */
export function quoteOf(symbol: string): string {
  let quote = quotes.get(symbol);
  if (quote === undefined) {
    quote = symbol.split('/')[1]?.split(':')[0] ?? '';
    if (quotes.size < 10_000) quotes.set(symbol, quote);
  }
  return quote;
}

/** The figures of the round trips that closed between `from` and `to` (ms, `to` excluded), in exit order. */
export function summarize(trips: RoundTrip[], from: number, to: number, context: ExposureContext = {}): StatsSummary {
  const inPeriod = byExit(trips.filter((t) => t.exitTime >= from && t.exitTime < to));
  const main: RoundTrip[] = [];
  const others = new Map<string, { trades: number; pnl: bigint }>();
  for (const trip of inPeriod) {
    const currency = quoteOf(trip.symbol);
    if (currency === SUMMARY_CURRENCY) {
      main.push(trip);
      continue;
    }
    const entry = others.get(currency) ?? { trades: 0, pnl: 0n };
    entry.trades += 1;
    entry.pnl += fixedOf(trip).pnl;
    others.set(currency, entry);
  }
  let pnl = 0n;
  let fees = 0n;
  let largestWin: bigint | null = null;
  let largestLoss: bigint | null = null;
  const cumulated = [0];
  const pnls: number[] = [];
  for (const trip of main) {
    const fixed = fixedOf(trip);
    pnl += fixed.pnl;
    fees += fixed.fees;
    cumulated.push(fixedToNumber(pnl));
    pnls.push(fixed.pnlNumber);
    if (fixed.pnl > 0n && (largestWin === null || fixed.pnl > largestWin)) largestWin = fixed.pnl;
    if (fixed.pnl < 0n && (largestLoss === null || fixed.pnl < largestLoss)) largestLoss = fixed.pnl;
  }
  const outcomes = tradeOutcomes(pnls);
  return {
    currency: SUMMARY_CURRENCY,
    realizedPnl: fromFixed18(pnl),
    fees: fromFixed18(fees),
    trades: outcomes.trades,
    wins: outcomes.wins,
    losses: outcomes.losses,
    winRate: outcomes.winRate,
    profitFactor: outcomes.profitFactor,
    maxDrawdown: decimalFromFloat(maxDrawdown(cumulated).abs),
    averageTrade: main.length ? fromFixed18(divFixed18(pnl, BigInt(main.length) * 10n ** 18n)) : null,
    largestWin: largestWin === null ? null : fromFixed18(largestWin),
    largestLoss: largestLoss === null ? null : fromFixed18(largestLoss),
    otherQuotes: [...others].map(([currency, o]) => ({ currency, trades: o.trades, realizedPnl: fromFixed18(o.pnl) })),
    exposurePct: exposureOf(trips, from, to, context),
  };
}

function exposureOf(trips: RoundTrip[], from: number, to: number, context: ExposureContext): number {
  const now = context.now ?? Date.now();
  const end = Math.min(to, now);
  const open = context.open ?? [];
  let first = context.firstFill ?? Infinity;
  for (const t of trips) if (t.entryTime < first) first = t.entryTime;
  for (const o of open) if (o.since < first) first = o.since;
  const start = Math.max(from, Number.isFinite(first) ? first : end);
  const intervals: [number, number][] = trips.map((t) => [t.entryTime, t.exitTime]);
  for (const o of open) intervals.push([o.since, end]);
  return exposurePct(intervals, start, end);
}

/** Round trips in exit order; the matching gives them so already, and checking costs less than sorting. */
export function byExit(trips: RoundTrip[]): RoundTrip[] {
  for (let i = 1; i < trips.length; i++) {
    if (trips[i].exitTime < trips[i - 1].exitTime) return trips.sort((a, b) => a.exitTime - b.exitTime);
  }
  return trips;
}
