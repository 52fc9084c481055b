/** What the heartbeat makes of one websocket message from Binance. */
export type FeedMessage =
  | { kind: 'trade'; symbol: string; price: string; quantity: string; time: number }
  | { kind: 'shutdown'; time: number }
  | { kind: 'control' }
  | { kind: 'unknown'; event: string }
  | { kind: 'invalid'; reason: string };

/** Digits with at most one inner dot, as Binance writes prices and quantities; a loop beats the regex here. */
function isDecimal(value: string): boolean {
  const length = value.length;
  if (length === 0) return false;
  let dot = -1;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c === 46) {
      if (dot >= 0 || i === 0 || i === length - 1) return false;
      dot = i;
    } else if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * The hot path: a trade message read without building the whole object (JSON.parse is most of the cost per
 * message). Fields are looked for in Binance's documented order (e, s, p, q, T), each search starting where the
 * previous one ended. Anything unusual (escapes, spaces, another order, an odd value) returns undefined and goes
 * through the full parse.
 */
function fastTrade(raw: string): FeedMessage | undefined {
  if (raw.includes('\\')) return undefined;
  let at = raw.indexOf('"e":"');
  if (at < 0) return undefined;
  at += 5;
  if (raw.startsWith('trade"', at)) at += 6;
  else if (raw.startsWith('aggTrade"', at)) at += 9;
  else return undefined;
  const s = raw.indexOf('"s":"', at);
  if (s < 0) return undefined;
  const sEnd = raw.indexOf('"', s + 5);
  const p = raw.indexOf('"p":"', sEnd);
  if (sEnd < 0 || p < 0) return undefined;
  const pEnd = raw.indexOf('"', p + 5);
  const q = raw.indexOf('"q":"', pEnd);
  if (pEnd < 0 || q < 0) return undefined;
  const qEnd = raw.indexOf('"', q + 5);
  const t = raw.indexOf('"T":', qEnd);
  if (qEnd < 0 || t < 0) return undefined;
  let end = t + 4;
  while (end < raw.length && raw.charCodeAt(end) >= 48 && raw.charCodeAt(end) <= 57) end++;
  if (end === t + 4 || (raw[end] !== ',' && raw[end] !== '}')) return undefined;
  const symbol = raw.slice(s + 5, sEnd);
  const price = raw.slice(p + 5, pEnd);
  const quantity = raw.slice(q + 5, qEnd);
  if (!symbol || !isDecimal(price) || !isDecimal(quantity)) return undefined;
  return { kind: 'trade', symbol, price, quantity, time: Number(raw.slice(t + 4, end)) };
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
    if (typeof p !== 'string' || !isDecimal(p)) return { kind: 'invalid', reason: `prix illisible : ${String(p)}` };
    if (typeof q !== 'string' || !isDecimal(q)) return { kind: 'invalid', reason: `quantité illisible : ${String(q)}` };
    if (typeof T !== 'number' || !Number.isFinite(T))
      return { kind: 'invalid', reason: 'heure de transaction absente' };
    return { kind: 'trade', symbol: s, price: p, quantity: q, time: T };
  }
  if (event === 'serverShutdown') return { kind: 'shutdown', time: typeof data.E === 'number' ? data.E : Date.now() };
  return { kind: 'unknown', event: String(event) };
}
