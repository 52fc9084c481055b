/** A source's default size: a base quantity, a quote amount or a percent of the free balance (decimal strings). */
export type SourceSize = { quantity: string } | { quoteAmount: string } | { percent: string };
export type SourceAction = 'buy' | 'sell' | 'close';
export type WebhookStatus = 'received' | 'processed' | 'failed' | 'rejected' | 'duplicate';

/** A source of `GET /api/webhook-sources`; its token appears only inside `url`. */
export interface WebhookSource {
  id: number;
  name: string;
  url: string;
  brokerId: number;
  brokerName: string;
  symbol: string | null;
  size: SourceSize | null;
  market: 'spot' | 'futures';
  actions: SourceAction[];
  passphraseSet: boolean;
  ipAllowlist: boolean;
  replayWindowS: number | null;
  dedupeWindowS: number;
  active: boolean;
  templates: { aristobot: string; tradingview: string };
  createdAt: string;
}

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
export interface WebhookSignal {
  format: 'aristobot' | 'tradingview' | '3commas' | 'octobot';
  action: SourceAction;
  ticker: string | null;
  size: SourceSize | null;
  type: 'market' | 'limit';
  price: string | null;
  stopLoss: string | null;
  takeProfit: string | null;
  id: string | null;
  time: string | null;
  symbol?: string;
}

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
