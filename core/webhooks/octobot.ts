import { decimalOf, SignalRefusal, type WebhookAction } from './signal-fields';
import type { WebhookSignal } from './parse';

const LINE = /^([A-Za-z][A-Za-z0-9_]*)\s*=\s*(.*)$/;
const KNOWN = new Set([
  'EXCHANGE',
  'SYMBOL',
  'SIGNAL',
  'ORDER_TYPE',
  'VOLUME',
  'PRICE',
  'STOP_PRICE',
  'TAKE_PROFIT_PRICE',
  'TAG',
  'PASSPHRASE',
]);

/** Whether a text body is written as `KEY=VALUE` lines (one per line, or separated by `;`). */
export function looksLikeKeyValues(text: string): boolean {
  const first = text.split(/\r?\n|;/).find((line) => line.trim() !== '');
  return first !== undefined && LINE.test(first.trim());
}

/**
 * OctoBot's text signals (`SIGNAL=BUY`, `SYMBOL=SOLUSDT`, `VOLUME=100a%`…), as octobot.cloud documents them for
 * TradingView alerts. What we cannot do as OctoBot would (stop orders, several take-profits, reduce-only, a volume
 * relative to something else than the free balance) is refused by name rather than done differently.
 */
export function parseKeyValues(text: string): WebhookSignal {
  const values = new Map<string, string>();
  for (const raw of text.split(/\r?\n|;/)) {
    const line = raw.trim();
    if (line === '') continue;
    const match = LINE.exec(line);
    if (!match) throw new SignalRefusal(`ligne « ${line.slice(0, 40)} » : CLÉ=VALEUR attendu`);
    const key = match[1].toUpperCase();
    const value = match[2].trim();
    if (/^TAKE_PROFIT_PRICE_\d+$/.test(key)) {
      throw new SignalRefusal(
        `${key} : plusieurs prises de profit ne sont pas prises en charge (une seule, TAKE_PROFIT_PRICE)`,
      );
    }
    if (key === 'REDUCE_ONLY') throw new SignalRefusal('REDUCE_ONLY : non pris en charge');
    if (!KNOWN.has(key)) throw new SignalRefusal(`${key} : clé inconnue`);
    if (values.has(key) && values.get(key) !== value) {
      throw new SignalRefusal(`${key} : donné deux fois avec des valeurs différentes`);
    }
    values.set(key, value);
  }
  const signal = values.get('SIGNAL')?.toUpperCase();
  const actions: Record<string, WebhookAction> = { BUY: 'buy', SELL: 'sell' };
  if (!signal) throw new SignalRefusal('SIGNAL : absent (BUY ou SELL)');
  if (!actions[signal]) throw new SignalRefusal(`SIGNAL : « ${values.get('SIGNAL')} » inconnu (BUY ou SELL)`);
  const orderType = (values.get('ORDER_TYPE') ?? 'MARKET').toUpperCase();
  if (orderType !== 'MARKET' && orderType !== 'LIMIT') {
    throw new SignalRefusal(`ORDER_TYPE : ${orderType} non pris en charge (MARKET ou LIMIT)`);
  }
  const price = decimalOf(values.get('PRICE') || undefined, 'PRICE');
  if (orderType === 'LIMIT' && price === null) throw new SignalRefusal('PRICE : obligatoire pour un ordre LIMIT');
  return {
    format: 'octobot',
    action: actions[signal],
    ticker: values.get('SYMBOL') || null,
    size: volumeOf(values.get('VOLUME')),
    type: orderType === 'LIMIT' ? 'limit' : 'market',
    price,
    stopLoss: decimalOf(values.get('STOP_PRICE') || undefined, 'STOP_PRICE'),
    takeProfit: decimalOf(values.get('TAKE_PROFIT_PRICE') || undefined, 'TAKE_PROFIT_PRICE'),
    id: null,
    time: null,
    passphrase: values.get('PASSPHRASE') || null,
  };
}

/** VOLUME: a base quantity, or `a%` of the available balance; OctoBot's other relative volumes are refused. */
function volumeOf(volume: string | undefined): WebhookSignal['size'] {
  if (!volume) return null;
  const match = /^([^%a-z]+?)(a%|s%|t%|%)?$/i.exec(volume);
  if (!match) throw new SignalRefusal(`VOLUME : « ${volume} » illisible`);
  const [, amount, unit] = match;
  if (unit === undefined) return { quantity: decimalOf(amount, 'VOLUME')! };
  if (unit.toLowerCase() !== 'a%') {
    throw new SignalRefusal(`VOLUME : « ${volume} » non pris en charge (seul « a% », pourcentage du solde disponible)`);
  }
  const percent = decimalOf(amount, 'VOLUME')!;
  if (Number(percent) > 100) throw new SignalRefusal('VOLUME : 100a% au plus');
  return { percent };
}
