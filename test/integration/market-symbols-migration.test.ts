// Migration 010 renames the candles the heartbeat stored under Binance's id (`BTCUSDT`) to the unified symbol every
// other part reads (`BTC/USDT`). Each scenario runs in a transaction that is rolled back.
import type { Knex } from 'knex';
import { createDb } from '../../core/db/knex';
import { up } from '../../core/db/migrations/010-unified-market-symbols';
import { unifiedSymbol } from '../../core/feeds/binance-symbols';

let db: Knex;
beforeAll(() => {
  db = createDb(process.env.DATABASE_URL!, { min: 0, max: 1 }, { bindModels: false });
});
afterAll(() => db.destroy());

async function rolledBack(scenario: (trx: Knex.Transaction) => Promise<void>): Promise<void> {
  const rollback = new Error('rollback');
  await expect(
    db.transaction(async (trx) => {
      await scenario(trx);
      throw rollback;
    }),
  ).rejects.toBe(rollback);
}

const T0 = Date.UTC(2024, 0, 1);
const candle = (source: string, symbol: string, minute: number, close: string) => ({
  source,
  symbol,
  timeframe: '1m',
  open_time: new Date(T0 + minute * 60_000),
  close_time: new Date(T0 + minute * 60_000 + 59_999),
  open: close,
  high: close,
  low: close,
  close,
  volume: '1',
});

it("renames the heartbeat's Binance ids, keeping the unified row where both hold a candle", async () => {
  // A base of its own (MIG…) so that no other suite's rows are involved.
  const base = `MIG${process.pid}`;
  await rolledBack(async (trx) => {
    await trx('candles').insert([
      candle('binance', `${base}USDT`, 0, '1'),
      candle('binance', `${base}USDT`, 1, '2'),
      candle('binance', `${base}/USDT`, 1, '2.5'),
      // An import source names its markets as it likes: not Binance's, left alone.
      candle(`import-${base}`, `${base}USDT`, 0, '9'),
    ]);
    await trx('candles_heartbeat').insert({
      symbol: `${base}BTC`,
      signal_type: '1m',
      candle_time: new Date(T0),
      received_at: new Date(T0 + 60_000),
    });
    const [status] = await trx('heartbeat_status')
      .insert({ symbols_monitored: JSON.stringify([`${base}USDT`, 'ETH/USDT']) })
      .returning('id');
    await trx('alerts').insert({
      kind: 'heartbeat_incoherent',
      message: 'x',
      details: { symbol: `${base}USDT` },
    });

    await up(trx);

    const rows = await trx('candles').whereLike('symbol', `${base}%`).orderBy(['source', 'open_time']);
    expect(rows.map((r) => [r.source, r.symbol, r.open_time.getTime() - T0, Number(r.close)])).toEqual([
      ['binance', `${base}/USDT`, 0, 1],
      ['binance', `${base}/USDT`, 60_000, 2.5],
      [`import-${base}`, `${base}USDT`, 0, 9],
    ]);
    expect(await trx('candles_heartbeat').whereLike('symbol', `${base}%`).pluck('symbol')).toEqual([`${base}/BTC`]);
    const { symbols_monitored } = await trx('heartbeat_status').where({ id: status.id }).first();
    expect(symbols_monitored).toEqual([`${base}/USDT`, 'ETH/USDT']);
    const alert = await trx('alerts')
      .whereRaw(`details->>'symbol' like ?`, [`${base}%`])
      .first();
    expect(alert.details.symbol).toBe(`${base}/USDT`);
  });
});

it('reads a market written either way, and nothing else', () => {
  expect(unifiedSymbol('btcusdt')).toBe('BTC/USDT');
  expect(unifiedSymbol('BTCFDUSD')).toBe('BTC/FDUSD');
  expect(unifiedSymbol('ETHBTC')).toBe('ETH/BTC');
  expect(unifiedSymbol(' eth/usdt ')).toBe('ETH/USDT');
  expect(unifiedSymbol('USDT')).toBeUndefined();
  expect(unifiedSymbol('BTC/USDT:USDT')).toBeUndefined();
  expect(unifiedSymbol('BTCXYZ')).toBeUndefined();
});
