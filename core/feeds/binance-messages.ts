/** What the heartbeat makes of one websocket message from Binance. */
export type FeedMessage =
  | { kind: 'trade'; symbol: string; price: string; quantity: string; time: number }
  | { kind: 'shutdown'; time: number }
  | { kind: 'control' }
  | { kind: 'unknown'; event: string }
  | { kind: 'invalid'; reason: string };

const DECIMAL = /^\d+(\.\d+)?$/;

/** The quoted value after `key` (e.g. `"p":"`), or undefined. */
function quoted(raw: string, key: string): string | undefined {
  const at = raw.indexOf(key);
  if (at < 0) return undefined;
  const start = at + key.length;
  const end = raw.indexOf('"', start);
  return end < 0 ? undefined : raw.slice(start, end);
}

/**
 * The hot path: a trade message read without building the whole object (JSON.parse is most of the cost per
 * message). Anything unusual (escapes, a missing or odd field) returns undefined and goes through the full parse.
 */
function fastTrade(raw: string): FeedMessage | undefined {
  if (raw.includes('\\')) return undefined;
  const event = quoted(raw, '"e":"');
  if (event !== 'aggTrade' && event !== 'trade') return undefined;
  const symbol = quoted(raw, '"s":"');
  const price = quoted(raw, '"p":"');
  const quantity = quoted(raw, '"q":"');
  const at = raw.indexOf('"T":');
  if (!symbol || !price || !quantity || at < 0) return undefined;
  let end = at + 4;
  while (end < raw.length && raw.charCodeAt(end) >= 48 && raw.charCodeAt(end) <= 57) end++;
  if (end === at + 4 || (raw[end] !== ',' && raw[end] !== '}')) return undefined;
  if (!DECIMAL.test(price) || !DECIMAL.test(quantity)) return undefined;
  return { kind: 'trade', symbol, price, quantity, time: Number(raw.slice(at + 4, end)) };
}

/**
 * Parses a raw or combined-stream (`{"stream":…,"data":…}`) message: `trade` and `aggTrade` events, the
 * `serverShutdown` notice, and the replies to SUBSCRIBE-style requests. Anything else is reported, never thrown,
 * so that one bad message cannot stop the feed.
 */
export function parseFeedMessage(raw: string): FeedMessage {
  const trade = fastTrade(raw);
  if (trade) return trade;
  let message: unknown;
  try {
    message = JSON.parse(raw);
  } catch {
    return { kind: 'invalid', reason: 'JSON invalide' };
  }
  if (typeof message !== 'object' || message === null) return { kind: 'invalid', reason: 'pas un objet' };
  const outer = message as { data?: unknown; result?: unknown; id?: unknown };
  if ('result' in outer && 'id' in outer) return { kind: 'control' };
  const data = (outer.data ?? message) as Record<string, unknown>;
  if (typeof data !== 'object' || data === null) return { kind: 'invalid', reason: 'data absent' };
  const event = data.e;
  if (event === 'trade' || event === 'aggTrade') {
    const { s, p, q, T } = data;
    if (typeof s !== 'string' || !s) return { kind: 'invalid', reason: 'symbole absent' };
    if (typeof p !== 'string' || !DECIMAL.test(p)) return { kind: 'invalid', reason: `prix illisible : ${String(p)}` };
    if (typeof q !== 'string' || !DECIMAL.test(q))
      return { kind: 'invalid', reason: `quantité illisible : ${String(q)}` };
    if (typeof T !== 'number' || !Number.isFinite(T))
      return { kind: 'invalid', reason: 'heure de transaction absente' };
    return { kind: 'trade', symbol: s, price: p, quantity: q, time: T };
  }
  if (event === 'serverShutdown') return { kind: 'shutdown', time: typeof data.E === 'number' ? data.E : Date.now() };
  return { kind: 'unknown', event: String(event) };
}
