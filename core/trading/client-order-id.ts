import { createHash } from 'node:crypto';

/**
 * The client order id of an order, derived from its business key (`manual:<user>:<request>`,
 * `strategy:<active strategy>:<candle close>`…): the same key always gives the same id, so a retried or recovered
 * job finds the order it may already have placed. 32 characters of [a-z0-9] with our prefix fit every exchange we
 * know (Binance allows 36 of `[.A-Z:/a-z0-9_-]`).
 */
export function clientOrderId(businessKey: string): string {
  const digest = createHash('sha256').update(businessKey).digest();
  let id = '';
  for (const byte of digest.subarray(0, 20)) id += (byte % 36).toString(36);
  return `ab${id}`;
}
