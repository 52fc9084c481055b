import { Dec, decimalFromFloat, STORED_DECIMALS } from '../decimal';
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

const quoteOf = (symbol: string) => symbol.split('/')[1]?.split(':')[0] ?? '';
const out = (value: Dec) => value.toDecimalPlaces(STORED_DECIMALS, Dec.ROUND_HALF_EVEN).toFixed();

/** The figures of the round trips that closed between `from` and `to` (ms, `to` excluded), in exit order. */
export function summarize(trips: RoundTrip[], from: number, to: number, context: ExposureContext = {}): StatsSummary {
  const inPeriod = trips.filter((t) => t.exitTime >= from && t.exitTime < to).sort((a, b) => a.exitTime - b.exitTime);
  const main = inPeriod.filter((t) => quoteOf(t.symbol) === SUMMARY_CURRENCY);
  const others = new Map<string, { trades: number; pnl: Dec }>();
  for (const trip of inPeriod) {
    const currency = quoteOf(trip.symbol);
    if (currency === SUMMARY_CURRENCY) continue;
    const entry = others.get(currency) ?? { trades: 0, pnl: Dec(0) };
    entry.trades += 1;
    entry.pnl = entry.pnl.plus(trip.realizedPnl);
    others.set(currency, entry);
  }
  const pnl = main.reduce((sum, t) => sum.plus(t.realizedPnl), Dec(0));
  const fees = main.reduce((sum, t) => sum.plus(t.fees), Dec(0));
  const outcomes = tradeOutcomes(main.map((t) => Number(t.realizedPnl)));
  let running = Dec(0);
  const cumulated = [0, ...main.map((t) => (running = running.plus(t.realizedPnl)).toNumber())];
  const pnls = main.map((t) => Dec(t.realizedPnl));
  const largestWin = pnls.filter((p) => p.gt(0)).reduce<Dec | null>((m, p) => (m && m.gte(p) ? m : p), null);
  const largestLoss = pnls.filter((p) => p.lt(0)).reduce<Dec | null>((m, p) => (m && m.lte(p) ? m : p), null);
  return {
    currency: SUMMARY_CURRENCY,
    realizedPnl: out(pnl),
    fees: out(fees),
    trades: outcomes.trades,
    wins: outcomes.wins,
    losses: outcomes.losses,
    winRate: outcomes.winRate,
    profitFactor: outcomes.profitFactor,
    maxDrawdown: decimalFromFloat(maxDrawdown(cumulated).abs),
    averageTrade: main.length ? out(pnl.div(main.length)) : null,
    largestWin: largestWin && out(largestWin),
    largestLoss: largestLoss && out(largestLoss),
    otherQuotes: [...others].map(([currency, o]) => ({ currency, trades: o.trades, realizedPnl: out(o.pnl) })),
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
  return exposurePct(
    [
      ...trips.map((t): [number, number] => [t.entryTime, t.exitTime]),
      ...open.map((o): [number, number] => [o.since, end]),
    ],
    start,
    end,
  );
}
