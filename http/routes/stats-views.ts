import type { BalanceHistory } from '../../core/stats/balance-history';
import type { OriginStats, PnlSeries } from '../../core/stats/groups';
import type { OriginLabel } from '../../core/stats/origin-labels';
import type { riskRatios } from '../../core/stats/outcomes';
import type { RoundTrip } from '../../core/stats/round-trips';
import type { StatsSummary } from '../../core/stats/summary';

// The JSON of the statistics routes; the web app reads its types from here.

/** A round trip as the page lists it and trades.csv writes it. */
export function tripView(trip: RoundTrip, label: OriginLabel | undefined, brokerNames: Map<number, string>) {
  return {
    origin: trip.origin,
    originLabel: label?.label ?? trip.origin,
    brokerId: trip.brokerId,
    broker: brokerNames.get(trip.brokerId) ?? '',
    symbol: trip.symbol,
    side: trip.side,
    quantity: trip.quantity,
    entryTime: new Date(trip.entryTime).toISOString(),
    entryPrice: trip.entryPrice,
    exitTime: new Date(trip.exitTime).toISOString(),
    exitPrice: trip.exitPrice,
    fees: trip.fees,
    realizedPnl: trip.realizedPnl,
  };
}
export type RoundTripView = ReturnType<typeof tripView>;

/**
 * `GET /api/stats/summary`: the figures of the round trips closed in the period; `sharpe` and `sortino` of the
 * account's daily balance without transfers (null with an origin filter or under three days).
 */
export type SummaryReply = StatsSummary &
  ReturnType<typeof riskRatios> & { from: string; to: string; unvaluedFees: number };

/** `GET /api/stats/by-strategy` and `by-webhook-source`: one row per origin, with its name. */
export interface OriginRowsReply {
  from: string;
  to: string;
  rows: (OriginStats & OriginLabel)[];
}

/** `GET /api/stats/pnl`: the P&L per day, and each origin's cumulative curve with its name. */
export interface PnlReply {
  days: PnlSeries['days'];
  cumulative: (PnlSeries['cumulative'][number] & { label: string })[];
}

/** `GET /api/stats/balance`: the balance curve (thinned for the chart) in `currency`. */
export type BalanceReply = BalanceHistory & { currency: string };

/** `GET /api/stats/trades`: `total` round trips closed in the period, the newest `limit` of them listed. */
export interface TripsReply {
  total: number;
  trades: RoundTripView[];
}
