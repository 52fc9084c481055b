import ccxt from 'ccxt';

export const PAPER = 'paper';

export interface ExchangeInfo {
  id: string;
  name: string;
  /** The credential fields the exchange requires, in ccxt's names (apiKey, secret, password, uid…). */
  requiredCredentials: string[];
  /** The exchange has a sandbox/testnet ccxt can switch to. */
  sandbox: boolean;
  /** ccxt's minimum delay between two requests, in ms (0 for paper). */
  rateLimit: number;
}

let catalog: ExchangeInfo[] | undefined;

/**
 * Every exchange ccxt supports, plus our simulated `paper` exchange (no credentials). Built once: it instantiates
 * each ccxt class to read its description.
 */
export function exchangeCatalog(): ExchangeInfo[] {
  if (catalog) return catalog;
  const list: ExchangeInfo[] = [
    { id: PAPER, name: 'Paper trading (simulé)', requiredCredentials: [], sandbox: false, rateLimit: 0 },
  ];
  const classes = ccxt as unknown as Record<string, new () => InstanceType<typeof ccxt.Exchange>>;
  for (const id of ccxt.exchanges) {
    const Exchange = classes[id];
    if (!Exchange) continue;
    const exchange = new Exchange();
    const required = Object.entries(exchange.requiredCredentials as Record<string, boolean>)
      .filter(([, needed]) => needed)
      .map(([field]) => field);
    list.push({
      id,
      name: String(exchange.name ?? id),
      requiredCredentials: required,
      sandbox: Boolean(exchange.has?.sandbox),
      rateLimit: Number(exchange.rateLimit) || 0,
    });
  }
  catalog = list;
  return list;
}

export function findExchange(id: string): ExchangeInfo | undefined {
  return exchangeCatalog().find((e) => e.id === id);
}
