import { trimNullableDecimal } from '../../core/decimal';
import type { WebhookSignal } from '../../core/webhooks/parse';
import type { IntakeStatus } from '../webhooks/intake';

// The JSON of the webhook routes; the web app reads its types from here.

export const WEBHOOK_STATUSES = ['received', 'processed', 'failed', 'rejected', 'duplicate'] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

/** What the intake understood of a body (the passphrase masked), with the pair processing resolved it to. */
export type StoredSignal = WebhookSignal & { symbol?: string };

/** The columns of the trade a webhook led to (`trades` joined on `trade_id`, a foreign key), null when none. */
type TradeColumns =
  | {
      trade_id: number;
      t_side: 'buy' | 'sell';
      t_symbol: string;
      t_status: string;
      t_filled: string | null;
      t_average: string | null;
    }
  | { trade_id: null; t_side: null; t_symbol: null; t_status: null; t_filled: null; t_average: null };

/** A webhook of the log, joined to its source's name and to the trade it led to. */
export type WebhookLogRow = TradeColumns & {
  id: number;
  source_id: number | null;
  source_name: string | null;
  created_at: Date;
  status: WebhookStatus;
  reason: string | null;
  parsed: StoredSignal | null;
  raw_body: string;
};

/** A row of `GET /api/webhooks`. */
export function webhookEntry(row: WebhookLogRow) {
  return {
    id: Number(row.id),
    sourceId: row.source_id === null ? null : Number(row.source_id),
    sourceName: row.source_name,
    receivedAt: row.created_at.toISOString(),
    status: row.status,
    reason: row.reason,
    parsed: row.parsed,
    tradeId: row.trade_id === null ? null : Number(row.trade_id),
    rawBody: row.raw_body,
    trade:
      row.trade_id === null
        ? null
        : {
            id: Number(row.trade_id),
            side: row.t_side,
            symbol: row.t_symbol,
            status: row.t_status,
            filledQuantity: trimNullableDecimal(row.t_filled),
            averagePrice: trimNullableDecimal(row.t_average),
          },
  };
}
export type WebhookEntry = ReturnType<typeof webhookEntry>;

/** `POST /api/webhook-sources/:id/test`: how the sample signal was taken in. */
export interface WebhookTestResult {
  webhookId: number;
  status: IntakeStatus;
  reason: string | null;
}
