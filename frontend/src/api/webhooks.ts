import type { WebhookSignal as ParsedSignal } from '@core/webhooks/parse';
import type { SourceAction, SourceSize, WebhookSourceView } from '@core/webhooks/source-view';

export type { SourceAction, SourceSize };
/** A source of `GET /api/webhook-sources`; its token appears only inside `url`. */
export type WebhookSource = WebhookSourceView;
export type WebhookStatus = 'received' | 'processed' | 'failed' | 'rejected' | 'duplicate';

/** The body of a create (every field) or an update (the ones changed; `passphrase: null` clears it). */
export interface SourceDraft {
  name?: string;
  brokerId?: number;
  symbol?: string | null;
  size?: SourceSize | null;
  market?: 'spot' | 'futures';
  actions?: SourceAction[];
  passphrase?: string | null;
  ipAllowlist?: boolean;
  replayWindowS?: number | null;
  dedupeWindowS?: number;
  active?: boolean;
}

/** What the parser understood of a body (the passphrase masked), with the pair it resolved to once processed. */
export type WebhookSignal = ParsedSignal & { symbol?: string };

/** A row of `GET /api/webhooks`, newest first. */
export interface WebhookEntry {
  id: number;
  sourceId: number | null;
  sourceName: string | null;
  receivedAt: string;
  status: WebhookStatus;
  reason: string | null;
  parsed: WebhookSignal | null;
  tradeId: number | null;
  rawBody: string;
  trade: {
    id: number;
    side: 'buy' | 'sell';
    symbol: string;
    status: string;
    filledQuantity: string | null;
    averagePrice: string | null;
  } | null;
}

/** The answer of `POST /api/webhook-sources/:id/test`. */
export interface TestResult {
  webhookId: number;
  status: WebhookStatus;
  reason: string | null;
}
