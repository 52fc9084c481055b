// What the live bench trades on, written straight to the database (the API has suites of its own): users, their
// brokers and strategies, activations, and the stored 1m candles of ten markets of the fake Binance.
import type { Knex } from 'knex';
import { usernameKey } from '../core/auth/username-key';
import { createPaperBroker } from '../core/brokers/paper-account';
import type { Config } from '../core/config';
import { encryptCredentials } from '../core/crypto/credentials';
import { FakeBinanceRest } from '../test/fakes/binance-rest';
import { KEY, SECRET } from '../test/helpers/trading';

export const MINUTE = 60_000;
/** Three real pairs and seven copies of BTCUSDT's rules under other bases (FakeBinanceRest's `extraSymbols`). */
const EXTRA = 7;
const extraBase = (i: number) => `X${i.toString(36).toUpperCase().padStart(4, '0')}`;
export const MARKETS: { symbol: string; price: number }[] = [
  { symbol: 'BTC/USDT', price: 26000 },
  { symbol: 'ETH/USDT', price: 1600 },
  { symbol: 'BNB/USDT', price: 210 },
  ...Array.from({ length: EXTRA }, (_, i) => ({ symbol: `${extraBase(i)}/USDT`, price: 100 + i })),
];

/** The fake Binance with one well-funded account (KEY/SECRET) shared by every Binance broker of the bench. */
export function benchExchange(): FakeBinanceRest {
  const fake = new FakeBinanceRest({ extraSymbols: EXTRA });
  fake.addAccount({
    apiKey: KEY,
    secret: SECRET,
    balances: [
      { asset: 'USDT', free: '1000000000.00000000', locked: '0.00000000' },
      ...MARKETS.map((m) => ({ asset: m.symbol.split('/')[0]!, free: '1000000.00000000', locked: '0.00000000' })),
    ],
  });
  for (const m of MARKETS) fake.setPrice(m.symbol.replace('/', ''), m.price.toFixed(8));
  return fake;
}

/** Flat 1m candles of every market from `from`, `count` of them, at the fake's price (fills match the candles). */
export async function storeCandles(db: Knex, from: number, count: number): Promise<void> {
  for (const m of MARKETS) {
    const rows = Array.from({ length: count }, (_, k) => ({
      source: 'binance',
      symbol: m.symbol,
      timeframe: '1m',
      open_time: new Date(from + k * MINUTE),
      close_time: new Date(from + (k + 1) * MINUTE - 1),
      open: String(m.price),
      high: String(m.price),
      low: String(m.price),
      close: String(m.price),
      volume: '1',
    }));
    for (let i = 0; i < rows.length; i += 1000) {
      await db('candles')
        .insert(rows.slice(i, i + 1000))
        .onConflict(['source', 'symbol', 'timeframe', 'open_time'])
        .merge();
    }
  }
}

export interface BenchUser {
  userId: number;
  brokerId: number;
  strategyId: number;
}

/** A user with a broker (their paper account, or a Binance one on the fake's account) and one strategy of `code`. */
export async function benchUser(
  db: Knex,
  config: Config,
  name: string,
  broker: 'paper' | 'binance',
  code: string,
): Promise<BenchUser> {
  const [{ id }] = await db('users')
    .insert({ username: name, username_key: usernameKey(name), password_hash: '!' })
    .returning('id');
  const userId = Number(id);
  let brokerId: number;
  if (broker === 'paper') {
    brokerId = await createPaperBroker(db, userId, config.PAPER_STARTING_BALANCE_USDT);
  } else {
    const [row] = await db('brokers')
      .insert({
        user_id: userId,
        name: 'Binance',
        exchange: 'binance',
        credentials_enc: encryptCredentials({ apiKey: KEY, secret: SECRET }, config.SECRET_KEY, userId),
        is_default: true,
        is_testnet: false,
        is_active: true,
        validated_at: new Date(),
      })
      .returning('id');
    brokerId = Number(row.id);
  }
  const [strategy] = await db('strategies')
    .insert({ user_id: userId, name: `${name} strategy`, timeframe: '1m', code })
    .returning('id');
  return { userId, brokerId, strategyId: Number(strategy.id) };
}

/** An activation of the user's strategy on `symbol`, in range for the whole bench; returns its id. */
export async function benchActivation(
  db: Knex,
  user: BenchUser,
  symbol: string,
  from: number,
  state: 'active' | 'suspended',
): Promise<number> {
  const [{ id }] = await db('active_strategies')
    .insert({
      user_id: user.userId,
      strategy_id: user.strategyId,
      broker_id: user.brokerId,
      symbol,
      timeframe: '1m',
      start_date: new Date(from),
      end_date: new Date(from + 24 * 3600_000),
      state,
      ...(state === 'suspended' ? { suspended_by: 'user' } : {}),
    })
    .returning('id');
  return Number(id);
}
