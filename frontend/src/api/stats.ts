import type { BalanceHistory } from '@core/stats/balance-history';
import type { OriginStats, PnlSeries } from '@core/stats/groups';
import type { OriginLabel } from '@core/stats/origin-labels';
import type { StatsSummary } from '@core/stats/summary';

export type { BalanceHistory, StatsSummary };
export type TradeSource = 'manual' | 'strategy' | 'webhook';

/** `GET /api/stats/summary`: the figures of the round trips closed in the period. */
export type SummaryResponse = StatsSummary & {
  from: string;
  to: string;
  unvaluedFees: number;
  /** Of the account's daily balance without transfers; null with an origin filter or under three days. */
  sharpe: number | null;
  sortino: number | null;
};
/** A row of `GET /api/stats/by-strategy` or `by-webhook-source`. */
export type OriginRow = OriginStats & OriginLabel;
export type PnlResponse = {
  days: PnlSeries['days'];
  cumulative: (PnlSeries['cumulative'][number] & { label: string })[];
};
export type BalanceResponse = BalanceHistory & { currency: string };

/** A round trip of `GET /api/stats/trades` (and a line of trades.csv). */
export interface RoundTripView {
  origin: string;
  originLabel: string;
  brokerId: number;
  broker: string;
  symbol: string;
  side: 'long' | 'short';
  quantity: string;
  entryTime: string;
  entryPrice: string;
  exitTime: string;
  exitPrice: string;
  fees: string;
  realizedPnl: string;
}
