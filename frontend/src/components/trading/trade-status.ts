import type { OrderStatus } from '@core/trading/orders';
import type { MessageKey } from '@/i18n/messages';

/** The label of each status a trade takes: `pending` until the exchange answers, then its order's. */
const STATUS_KEYS = {
  pending: 'trades.pending',
  open: 'trades.open',
  closed: 'trades.closed',
  canceled: 'trades.canceled',
  expired: 'trades.expired',
  rejected: 'trades.rejected',
} satisfies Record<'pending' | OrderStatus, MessageKey>;

const known = (status: string): status is keyof typeof STATUS_KEYS =>
  Object.prototype.hasOwnProperty.call(STATUS_KEYS, status);

/**
 * A trade's status in the reader's language. The API sends it as a string: one this page has no label for (a server
 * newer than the open page) is shown as sent.
 */
export function tradeStatusLabel(status: string, t: (key: MessageKey) => string): string {
  return known(status) ? t(STATUS_KEYS[status]) : status;
}
