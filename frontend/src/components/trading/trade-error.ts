import { isOrderRefusalKind, orderRefusal } from '@core/trading/order-messages';
import type { TradeView } from '@/api/trading';
import type { Language } from '@/format/number-format';

/**
 * Why an attempt failed, in the reader's language. Our own refusals are worded again from their stored reason, in
 * the words of the page's checks; an exchange's own words, rows stored before reasons were, and a kind this page
 * does not know (a server newer than the open page) keep the stored text.
 */
export function tradeError(trade: Pick<TradeView, 'errorMessage' | 'errorReason'>, language: Language): string | null {
  const reason = trade.errorReason;
  return reason && isOrderRefusalKind(reason.kind) ? orderRefusal(reason, language) : trade.errorMessage;
}
