import { JsonNumber, JsonRefusal, parseStrictJson, type JsonValue } from './json-strict';
import { looksLikeKeyValues, parseKeyValues } from './octobot';
import {
  actionOf,
  decimalOf,
  firstPlaceholder,
  PLACEHOLDER,
  placeholderRefusal,
  SignalRefusal,
  textOf,
  type WebhookAction,
} from './signal-fields';

export type { WebhookAction } from './signal-fields';
export type WebhookSize = { quantity: string } | { quoteAmount: string } | { percent: string };

/** What a webhook asks, whatever format it came in. */
export interface WebhookSignal {
  format: 'aristobot' | 'tradingview' | '3commas' | 'octobot';
  action: WebhookAction;
  /** As written (`BINANCE:BTCUSDT`, `BTCUSDT.P`, `BTC/USDT`); null: the source's default pair. */
  ticker: string | null;
  /** Null: the source's default size. */
  size: WebhookSize | null;
  type: 'market' | 'limit';
  price: string | null;
  stopLoss: string | null;
  takeProfit: string | null;
  /** The sender's idempotency id (ours only: TradingView's `strategy.order.id` names a Pine entry, not an alert). */
  id: string | null;
  /** When it was sent, for the replay window. */
  time: string | null;
  passphrase: string | null;
}

export type ParseResult = { ok: true; signal: WebhookSignal } | { ok: false; reason: string };

type JsonObject = { [key: string]: JsonValue };

const isObject = (value: JsonValue | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonNumber);

/**
 * Reads a webhook body as traders send them: our JSON, TradingView's strategy placeholders once filled in (nested
 * as popular templates write them, or flat as ours does), 3Commas' signal-bot JSON, OctoBot's `KEY=VALUE` text.
 * Anything else is refused with the reason; nothing is guessed.
 */
export function parseWebhookBody(raw: string): ParseResult {
  try {
    return { ok: true, signal: parseText(raw) };
  } catch (error) {
    if (error instanceof SignalRefusal || error instanceof JsonRefusal) return { ok: false, reason: error.message };
    throw error;
  }
}

function parseText(raw: string): WebhookSignal {
  // A BOM from an editor, spaces around, and the `=` a form-encoding sender leaves after a JSON body.
  let text = raw.replace(/^\uFEFF/, '').trim();
  if (/[}\]]=$/.test(text)) text = text.slice(0, -1);
  if (text === '') throw new SignalRefusal('message : vide');
  if (text.startsWith('<')) throw new SignalRefusal('message : du HTML, pas un signal');
  if (
    text.startsWith('{') ||
    text.startsWith('[') ||
    text.startsWith('"') ||
    /^[-\d]|^(true|false|null|NaN)\b/.test(text)
  ) {
    let body: JsonValue;
    try {
      body = parseStrictJson(text);
    } catch (error) {
      // `"close": {{close}}` is not JSON until TradingView fills it in: say so rather than where the syntax broke.
      const placeholder = PLACEHOLDER.exec(text)?.[0];
      if (placeholder && error instanceof JsonRefusal && !error.message.includes('deux fois')) {
        throw placeholderRefusal(placeholder);
      }
      throw error;
    }
    if (!isObject(body)) {
      throw new SignalRefusal(
        `message : ${Array.isArray(body) ? 'un tableau' : 'une valeur seule'} JSON, un objet attendu`,
      );
    }
    const placeholder = firstPlaceholder(body);
    if (placeholder) throw placeholderRefusal(placeholder);
    return fromObject(body);
  }
  const placeholder = PLACEHOLDER.exec(text)?.[0];
  if (placeholder) throw placeholderRefusal(placeholder);
  if (looksLikeKeyValues(text)) return parseKeyValues(text);
  throw new SignalRefusal('message : format non reconnu (JSON ou lignes CLÉ=VALEUR attendus)');
}

function fromObject(body: JsonObject): WebhookSignal {
  if (isObject(body.strategy) && body.strategy.order_action !== undefined) return fromNestedStrategy(body);
  if ('tv_instrument' in body || 'bot_uuid' in body || (isObject(body.order) && 'amount' in body.order)) {
    return fromThreeCommas(body);
  }
  if ('marketPosition' in body) return fromFlatStrategy(body);
  return fromOurs(body);
}

const SIZE_KEYS = {
  amount: 'quantity',
  quantity: 'quantity',
  contracts: 'quantity',
  quoteAmount: 'quoteAmount',
  percent: 'percent',
} as const;

function sizeOf(body: JsonObject): WebhookSize | null {
  const given = (Object.keys(SIZE_KEYS) as (keyof typeof SIZE_KEYS)[]).filter(
    (key) => body[key] !== undefined && body[key] !== null,
  );
  if (given.length > 1) throw new SignalRefusal(`taille : une seule de ${given.join(', ')} attendue`);
  if (given.length === 0) return null;
  const key = given[0];
  const value = decimalOf(body[key], key)!;
  if (SIZE_KEYS[key] === 'percent' && Number(value) > 100) throw new SignalRefusal('percent : 100 au plus');
  return { [SIZE_KEYS[key]]: value } as WebhookSize;
}

function orderTypeOf(body: JsonObject, price: string | null): 'market' | 'limit' {
  const type = (textOf(body.type, 'type') ?? 'market').toLowerCase();
  if (type !== 'market' && type !== 'limit') throw new SignalRefusal(`type : « ${type} » inconnu (market ou limit)`);
  if (type === 'limit' && price === null) throw new SignalRefusal('price : obligatoire pour un ordre limit');
  return type;
}

function fromOurs(body: JsonObject): WebhookSignal {
  const price = decimalOf(body.price, 'price');
  return {
    format: 'aristobot',
    action: actionOf(textOf(body.action, 'action'), 'action'),
    ticker: textOf(body.symbol, 'symbol') ?? textOf(body.ticker, 'ticker'),
    size: sizeOf(body),
    type: orderTypeOf(body, price),
    price,
    stopLoss: decimalOf(body.stopLoss, 'stopLoss'),
    takeProfit: decimalOf(body.takeProfit, 'takeProfit'),
    id: textOf(body.id, 'id'),
    time: textOf(body.time, 'time'),
    passphrase: textOf(body.passphrase, 'passphrase'),
  };
}

/**
 * A strategy alert: the order's action, and the position the strategy holds after it. `flat` closes; otherwise the
 * entry is sized to the position the strategy now holds (after a reversal, `contracts` counts both legs).
 */
function strategySignal(
  action: string | null,
  marketPosition: string | null,
  positionSize: JsonValue | undefined,
  contracts: JsonValue | undefined,
  fields: { action: string; position: string; size: string; contracts: string },
): Pick<WebhookSignal, 'action' | 'size'> {
  const position = marketPosition?.toLowerCase() ?? null;
  if (position !== null && !['long', 'short', 'flat'].includes(position)) {
    throw new SignalRefusal(`${fields.position} : « ${marketPosition} » inconnu (long, short ou flat)`);
  }
  if (position === 'flat') return { action: 'close', size: null };
  const parsed = actionOf(action, fields.action);
  const held = decimalOf(positionSize, fields.size, { signed: true });
  const quantity =
    position !== null && held !== null && Number(held) !== 0
      ? held.replace('-', '')
      : decimalOf(contracts, fields.contracts);
  return { action: parsed, size: quantity === null ? null : { quantity } };
}

function tickerOf(exchange: string | null, ticker: string | null): string | null {
  if (ticker === null) return null;
  return exchange !== null && !ticker.includes(':') ? `${exchange}:${ticker}` : ticker;
}

function fromNestedStrategy(body: JsonObject): WebhookSignal {
  const strategy = body.strategy as JsonObject;
  return {
    format: 'tradingview',
    ...strategySignal(
      textOf(strategy.order_action, 'strategy.order_action'),
      textOf(strategy.market_position, 'strategy.market_position'),
      strategy.position_size,
      strategy.order_contracts,
      {
        action: 'strategy.order_action',
        position: 'strategy.market_position',
        size: 'strategy.position_size',
        contracts: 'strategy.order_contracts',
      },
    ),
    ticker: tickerOf(textOf(body.exchange, 'exchange'), textOf(body.ticker, 'ticker')),
    type: 'market',
    price: decimalOf(strategy.order_price, 'strategy.order_price'),
    stopLoss: null,
    takeProfit: null,
    id: null,
    time: textOf(body.time, 'time'),
    passphrase: textOf(body.passphrase, 'passphrase'),
  };
}

function fromFlatStrategy(body: JsonObject): WebhookSignal {
  // Its size is the strategy's, read below: `contracts` is not a size of ours here.
  const { contracts: _contracts, positionSize: _positionSize, ...rest } = body;
  const ours = fromOurs({ ...rest, action: body.action ?? 'buy' });
  return {
    ...ours,
    format: 'tradingview',
    ...strategySignal(
      textOf(body.action, 'action'),
      textOf(body.marketPosition, 'marketPosition'),
      body.positionSize,
      body.contracts,
      { action: 'action', position: 'marketPosition', size: 'positionSize', contracts: 'contracts' },
    ),
  };
}

const THREE_COMMAS_ACTIONS: Record<string, string> = {
  enter_long: 'buy',
  exit_long: 'close',
  enter_short: 'sell',
  exit_short: 'close',
};

function fromThreeCommas(body: JsonObject): WebhookSignal {
  const info = isObject(body.strategy_info) ? body.strategy_info : {};
  const order = isObject(body.order) ? body.order : {};
  const raw = textOf(body.action, 'action');
  const action = raw === null ? null : (THREE_COMMAS_ACTIONS[raw.toLowerCase()] ?? raw);
  const currency = (textOf(order.currency_type, 'order.currency_type') ?? 'base').toLowerCase();
  if (currency !== 'base' && currency !== 'quote') {
    throw new SignalRefusal(`order.currency_type : « ${currency} » non pris en charge (base ou quote)`);
  }
  const amount = decimalOf(order.amount, 'order.amount');
  const position = textOf(info.market_position, 'strategy_info.market_position');
  const signal: Pick<WebhookSignal, 'action' | 'size'> =
    position?.toLowerCase() === 'flat'
      ? { action: 'close', size: null }
      : {
          action: actionOf(action, 'action'),
          size: amount === null ? null : currency === 'quote' ? { quoteAmount: amount } : { quantity: amount },
        };
  return {
    format: '3commas',
    ...signal,
    ticker: tickerOf(textOf(body.tv_exchange, 'tv_exchange'), textOf(body.tv_instrument, 'tv_instrument')),
    type: 'market',
    price: decimalOf(body.trigger_price, 'trigger_price'),
    stopLoss: null,
    takeProfit: null,
    id: null,
    time: textOf(body.timestamp, 'timestamp'),
    passphrase: textOf(body.secret, 'secret'),
  };
}
