import type { SizeKind } from '@core/webhooks/source-view';
import type { SourceSize, WebhookEntry, WebhookSignal } from '@/api/webhooks';
import { formatNumber, type Language } from '@/format/number-format';
import type { MessageKey } from '@/i18n/messages';

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** A size as the source card says it: "0,001 (quantité)", "25 % du solde libre". */
export function sizeText(size: SourceSize | null, t: Translate, language: Language, short = false): string | null {
  if (!size) return null;
  const [kind, value] = Object.entries(size)[0] as [SizeKind, string];
  return t(`webhooks.${short ? 'sizeShort' : 'size'}.${kind}`, { value: formatNumber(value, language) });
}

/** What the parser understood, in one line: "Achat BTC/USDT · qté 0,001 · limite à 25 000 · SL 24 000". */
export function understoodText(signal: WebhookSignal | null, t: Translate, language: Language): string {
  if (!signal) return '—';
  const num = (value: string) => formatNumber(value, language);
  const parts = [
    `${t(`webhooks.action.${signal.action}`)} ${signal.symbol ?? signal.ticker ?? ''}`.trim(),
    sizeText(signal.size, t, language, true) ?? t('webhooks.defaultSize'),
  ];
  if (signal.type === 'limit' && signal.price) parts.push(t('webhooks.limitAt', { price: num(signal.price) }));
  if (signal.stopLoss) parts.push(t('webhooks.stopLoss', { price: num(signal.stopLoss) }));
  if (signal.takeProfit) parts.push(t('webhooks.takeProfit', { price: num(signal.takeProfit) }));
  return parts.join(' · ');
}

/** The trade a webhook led to: "Trade n° 12 : achat 0,001 BTC/USDT à 26 026". */
export function tradeText(trade: WebhookEntry['trade'], t: Translate, language: Language): string | null {
  if (!trade) return null;
  const side = t(trade.side === 'buy' ? 'webhooks.buy' : 'webhooks.sell');
  if (!trade.filledQuantity || trade.filledQuantity === '0' || !trade.averagePrice) {
    return t('webhooks.tradeUnfilled', { id: trade.id, side, symbol: trade.symbol, status: trade.status });
  }
  return t('webhooks.trade', {
    id: trade.id,
    side,
    qty: formatNumber(trade.filledQuantity, language),
    symbol: trade.symbol,
    price: formatNumber(trade.averagePrice, language),
  });
}
