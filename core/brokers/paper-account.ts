import type { Knex } from 'knex';
import { trimDecimal } from '../decimal';
import { PAPER } from '../exchanges/catalog';

export interface BalanceLine {
  asset: string;
  free: string;
  used: string;
  total: string;
}

export const PAPER_BROKER_NAME = 'Paper trading';

/** Opens the simulated account of a paper broker: the starting balance in USDT. */
export async function fundPaperAccount(db: Knex, brokerId: number, startingUsdt: string): Promise<void> {
  await db('paper_balances').insert({ broker_id: brokerId, asset: 'USDT', free: startingUsdt, used: '0' });
}

/**
 * Every new user gets a paper broker, default and validated, so that everything can be tried without API keys.
 * Runs inside the registration's transaction.
 */
export async function createPaperBroker(trx: Knex, userId: number, startingUsdt: string): Promise<number> {
  const [row] = await trx('brokers')
    .insert({
      user_id: userId,
      name: PAPER_BROKER_NAME,
      exchange: PAPER,
      is_default: true,
      is_testnet: false,
      is_active: true,
      validated_at: new Date(),
    })
    .returning('id');
  const brokerId = (row as { id: number }).id;
  await fundPaperAccount(trx, brokerId, startingUsdt);
  await trx('users').where({ id: userId }).update({ default_broker_id: brokerId });
  return brokerId;
}

export async function paperBalance(db: Knex, brokerId: number): Promise<BalanceLine[]> {
  const rows: { asset: string; free: string; used: string }[] = await db('paper_balances')
    .where({ broker_id: brokerId })
    .select('asset', 'free', 'used', db.raw('free + used as total'))
    .orderBy('asset');
  return rows.map((r) => ({
    asset: r.asset,
    free: trimDecimal(r.free),
    used: trimDecimal(r.used),
    total: trimDecimal((r as unknown as { total: string }).total),
  }));
}
