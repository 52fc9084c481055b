import type { Knex } from 'knex';
import { EXAMPLE_STRATEGY } from '../sandbox/templates';

export const EXAMPLE_STRATEGY_NAME = 'Exemple EMA 10/20';

/** The spec's EMA cross, given to every user so the Strategies and Backtest pages have something to run. */
export async function seedExampleStrategy(trx: Knex, userId: number): Promise<void> {
  await trx('strategies')
    .insert({
      user_id: userId,
      name: EXAMPLE_STRATEGY_NAME,
      description:
        "Achat quand l'EMA 10 croise l'EMA 20 à la hausse, vente au croisement inverse ; stop 2 %, objectif 4 %.",
      timeframe: '1h',
      code: EXAMPLE_STRATEGY,
    })
    .onConflict(['user_id', 'name'])
    .ignore();
}
