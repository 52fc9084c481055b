import type { OriginRowsReply } from '@http/routes/stats-views';

export type { TradeSource } from '@core/stats/fills';
export type {
  BalanceReply as BalanceResponse,
  OriginRowsReply,
  PnlReply as PnlResponse,
  RoundTripView,
  SummaryReply as SummaryResponse,
  TripsReply,
} from '@http/routes/stats-views';
/** A row of `GET /api/stats/by-strategy` or `by-webhook-source`. */
export type OriginRow = OriginRowsReply['rows'][number];
