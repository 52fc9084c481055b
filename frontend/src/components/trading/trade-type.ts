import type { TradeView } from '@core/trading/orders';
import type { MessageKey } from '@/i18n/messages';

/**
 * What kind of order a trade is, in the reader's language: a leg protecting a live position says which level it
 * holds, as « Limite » alone would not tell a take-profit from an order the user placed.
 */
export function tradeTypeLabel(trade: Pick<TradeView, 'type' | 'protection'>, t: (key: MessageKey) => string): string {
  if (trade.protection === 'stop') return t('trades.protectionStop');
  if (trade.protection === 'target') return t('trades.protectionTarget');
  if (trade.type === 'market') return t('trading.market');
  return t(trade.type === 'stop_limit' ? 'trades.stopLimit' : 'trading.limit');
}
