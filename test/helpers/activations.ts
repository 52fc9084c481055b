import type { Knex } from 'knex';
import type { Client } from './app';

const DAY = 24 * 3600 * 1000;

/** Lists `symbol` among `exchange`'s markets, as the markets actor would have stored it. */
export async function listMarket(
  db: Knex,
  exchange: string,
  symbol: string,
  fields: { type?: string; active?: boolean } = {},
): Promise<void> {
  const [base, quote] = symbol.split(/[/:]/);
  await db('exchange_symbols')
    .insert({ exchange, symbol, base, quote, type: fields.type ?? 'spot', active: fields.active ?? true })
    .onConflict(['exchange', 'symbol'])
    .merge(['type', 'active']);
}

/** An activation request every suite can send: BTC/USDT from yesterday to in a week, the rest by default. */
export function activationBody(
  strategyId: number,
  brokerId: number,
  fields: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    strategyId,
    brokerId,
    symbol: 'BTC/USDT',
    startDate: new Date(Date.now() - DAY).toISOString(),
    endDate: new Date(Date.now() + 7 * DAY).toISOString(),
    ...fields,
  };
}

/** The first strategy and the paper broker every new user gets. */
export async function ownRows(client: Client): Promise<{ strategyId: number; brokerId: number }> {
  const strategies = (await client.get('/api/strategies').expect(200)).body as { id: number }[];
  const brokers = (await client.get('/api/brokers').expect(200)).body as { id: number; exchange: string }[];
  return { strategyId: strategies[0].id, brokerId: brokers.find((b) => b.exchange === 'paper')!.id };
}

/** Activates the user's first strategy on their paper broker (the market must be listed); returns its id. */
export async function activate(client: Client, fields: Record<string, unknown> = {}): Promise<number> {
  const { strategyId, brokerId } = await ownRows(client);
  const res = await client.send('post', '/api/active-strategies', activationBody(strategyId, brokerId, fields));
  if (res.status !== 201) throw new Error(`activation refused: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}
