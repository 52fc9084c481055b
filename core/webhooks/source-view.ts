import { Dec } from '../decimal';

export const WEBHOOK_ACTIONS = ['buy', 'sell', 'close'] as const;
export type SourceAction = (typeof WEBHOOK_ACTIONS)[number];
export const SIZE_KINDS = ['quantity', 'quoteAmount', 'percent'] as const;
export type SizeKind = (typeof SIZE_KINDS)[number];

/** A row of `webhook_sources`. */
export interface WebhookSourceRow {
  id: number;
  user_id: number;
  name: string;
  token_hash: string;
  token_encrypted: string;
  broker_id: number;
  symbol: string | null;
  size_kind: SizeKind | null;
  size_value: string | null;
  market: 'spot' | 'futures';
  actions: SourceAction[];
  passphrase_hash: string | null;
  ip_allowlist: boolean;
  replay_window_s: number | null;
  dedupe_window_s: number;
  active: boolean;
  created_at: Date;
}

export type SourceSize = { quantity: string } | { quoteAmount: string } | { percent: string };

export interface WebhookSourceView {
  id: number;
  name: string;
  /** The only place the token appears, and only to its owner. */
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

export function sizeOf(row: Pick<WebhookSourceRow, 'size_kind' | 'size_value'>): SourceSize | null {
  if (!row.size_kind || row.size_value === null) return null;
  return { [row.size_kind]: Dec(row.size_value).toFixed() } as SourceSize;
}

/**
 * The messages to paste into TradingView's alert. Ours names what to do; the strategy one lets TradingView fill the
 * order in from a Pine strategy. `{{timenow}}` gives each alert a time (the replay window) and ours an id (one alert
 * routed twice is ordered once). The passphrase is never shown back: the user writes it in place of `<passphrase>`.
 */
export function templatesOf(
  row: Pick<WebhookSourceRow, 'symbol' | 'size_kind' | 'size_value' | 'passphrase_hash'>,
): WebhookSourceView['templates'] {
  const passphrase = row.passphrase_hash ? { passphrase: '<passphrase>' } : {};
  const ours = {
    action: 'buy',
    symbol: row.symbol ?? '{{ticker}}',
    ...(row.size_kind ? {} : { quoteAmount: '100' }),
    id: '{{timenow}}-buy',
    time: '{{timenow}}',
    ...passphrase,
  };
  const strategy = {
    action: '{{strategy.order.action}}',
    ticker: '{{exchange}}:{{ticker}}',
    contracts: '{{strategy.order.contracts}}',
    marketPosition: '{{strategy.market_position}}',
    positionSize: '{{strategy.position_size}}',
    price: '{{close}}',
    time: '{{timenow}}',
    ...passphrase,
  };
  return { aristobot: JSON.stringify(ours, null, 2), tradingview: JSON.stringify(strategy, null, 2) };
}

/** The source as its owner sees it; `token` is the source's, opened from its sealed copy by the caller. */
export function sourceView(
  row: WebhookSourceRow,
  brokerName: string,
  baseUrl: string,
  token: string,
): WebhookSourceView {
  return {
    id: Number(row.id),
    name: row.name,
    url: `${baseUrl.replace(/\/+$/, '')}/webhooks/${token}`,
    brokerId: Number(row.broker_id),
    brokerName,
    symbol: row.symbol,
    size: sizeOf(row),
    market: row.market,
    actions: row.actions,
    passphraseSet: row.passphrase_hash !== null,
    ipAllowlist: row.ip_allowlist,
    replayWindowS: row.replay_window_s,
    dedupeWindowS: row.dedupe_window_s,
    active: row.active,
    templates: templatesOf(row),
    createdAt: row.created_at.toISOString(),
  };
}
