import type { Knex } from 'knex';
import { TIMEFRAME_MS, isTimeframe } from '../../core/candles/timeframes';
import type { Costs } from '../../core/engine/exits';
import { DEFAULT_AMOUNT_RULES, sizingOf, type Sizing } from '../../core/engine/sizing';
import { marketsExchangeOf } from '../../core/exchanges/markets';
import { COLUMNS, type CandleColumns, type StrategyState } from '../../core/sandbox/strategy-runner';

/** An activation row as the strategy actor reads it (under its lock). */
export interface ActivationRow {
  id: number;
  user_id: number;
  strategy_id: number;
  broker_id: number;
  symbol: string;
  timeframe: string;
  start_date: Date;
  end_date: Date;
  state: 'active' | 'suspended' | 'stopped';
  market: 'spot' | 'futures';
  budget: string | null;
  close_at_end: boolean;
  /** Where the levels of its positions are watched: the bot's minute check, or orders resting at the exchange. */
  protection: 'bot' | 'exchange';
  last_close_time: Date | null;
  error_count: number;
}

export interface PositionRow {
  id: number;
  side: 'long' | 'short';
  quantity: string;
  entry_price: string;
  entry_fee: string | null;
  stop_loss: string | null;
  take_profit: string | null;
  opened_at: Date;
  checked_until: Date | null;
}

/** Where an activation trades and what its orders cost: the market's exchange, assets, amount rules and fees. */
export interface LiveMarket {
  /** The exchange whose candles and markets it uses (a paper broker: its price source). */
  exchange: string;
  base: string;
  quote: string;
  sizing: Sizing;
  costs: Costs;
  timeframeMs: number;
}

/** The activation's market is not (or no longer) among its exchange's loaded markets: its rules are unknown. */
export class MarketUnknownError extends Error {}

/** Locks an activation for one evaluation or close: one at a time across every worker, released with the transaction. */
export async function lockActivation(trx: Knex.Transaction, id: number): Promise<ActivationRow | undefined> {
  // NO KEY UPDATE: the broker actor's trade rows reference this row (a KEY SHARE lock) while we wait for its answer.
  return trx('active_strategies').where({ id }).forNoKeyUpdate().first();
}

/** An activation under its evaluation's lock, with its strategy's code and its broker's exchange read alongside. */
export interface EvaluationRow extends ActivationRow {
  code: string;
  broker_exchange: string;
}

/** lockActivation for an evaluation: the same lock, and what the evaluation reads next in the same round trip. */
export async function lockForEvaluation(trx: Knex.Transaction, id: number): Promise<EvaluationRow | undefined> {
  return trx('active_strategies as a')
    .join('strategies as s', 's.id', 'a.strategy_id')
    .join('brokers as b', 'b.id', 'a.broker_id')
    .where('a.id', id)
    .forNoKeyUpdate('a')
    .first('a.*', 's.code', 'b.exchange as broker_exchange');
}

export async function openPosition(db: Knex, activationId: number): Promise<PositionRow | undefined> {
  return db('positions').where({ active_strategy_id: activationId, status: 'open' }).first();
}

interface MarketRulesRow {
  base: string;
  quote: string;
  amount_precision: string | null;
  min_amount: string | null;
  min_cost: string | null;
  taker_fee: string | null;
}

/**
 * Market rules read in the last minute, by exchange and symbol: the markets actor reloads them once a day, while every
 * close of every activation needs them. A market not found is asked again each time (it may be loading).
 */
const RULES_KEPT_MS = 60_000;
const rules = new Map<string, { row: MarketRulesRow; at: number }>();

async function marketRules(db: Knex, exchange: string, symbol: string): Promise<MarketRulesRow | undefined> {
  const key = `${exchange}\0${symbol}`;
  const kept = rules.get(key);
  if (kept && Date.now() - kept.at < RULES_KEPT_MS) return kept.row;
  const row: MarketRulesRow | undefined = await db('exchange_symbols')
    .where({ exchange, symbol })
    .first('base', 'quote', 'amount_precision', 'min_amount', 'min_cost', 'taker_fee');
  if (row) rules.set(key, { row, at: Date.now() });
  else rules.delete(key);
  return row;
}

export async function liveMarket(
  db: Knex,
  /** `broker_exchange` when the caller read it already (lockForEvaluation). */
  activation: Pick<ActivationRow, 'broker_id' | 'symbol' | 'timeframe'> & { broker_exchange?: string },
  options: { paperSource: string; paperSlippage: string },
): Promise<LiveMarket> {
  const broker: { exchange: string } = activation.broker_exchange
    ? { exchange: activation.broker_exchange }
    : await db('brokers').where({ id: activation.broker_id }).first('exchange');
  const exchange = marketsExchangeOf(broker.exchange, options.paperSource);
  const row = await marketRules(db, exchange, activation.symbol);
  if (!row) throw new MarketUnknownError(`Marché ${activation.symbol} absent des marchés de ${exchange}`);
  const fee = Number(row.taker_fee ?? '0.001');
  const slippage = broker.exchange === 'paper' ? Number(options.paperSlippage) : 0;
  const tf = isTimeframe(activation.timeframe) ? TIMEFRAME_MS[activation.timeframe] : 0;
  return {
    exchange,
    base: row.base,
    quote: row.quote,
    sizing: sizingOf({
      amountStep: row.amount_precision ?? DEFAULT_AMOUNT_RULES.amountStep,
      minAmount: row.min_amount,
      minCost: row.min_cost,
    }),
    costs: { fees: { makerFee: fee, takerFee: fee }, slippage },
    timeframeMs: tf,
  };
}

/**
 * The last `count` closed candles of the market up to the one opening at `lastOpen`, oldest first: the warm-up
 * window the strategy's indicators see, the cursor on its last candle.
 */
export function liveCandles(
  db: Knex,
  key: { source: string; symbol: string; timeframe: string },
  lastOpen: number,
  count: number,
): Promise<CandleColumns> {
  const id = [key.source, key.symbol, key.timeframe, lastOpen, count].join('\0');
  const kept = candleWindows.get(id);
  if (kept && Date.now() - kept.at < WINDOW_KEPT_MS) return kept.columns;
  const columns = readCandles(db, key, lastOpen, count);
  const entry = { columns, at: Date.now() };
  candleWindows.set(id, entry);
  while (candleWindows.size > WINDOWS_KEPT) candleWindows.delete(candleWindows.keys().next().value!);
  // A window without its last candle (not stored yet) or a failed read is asked again by the next evaluation.
  const forget = () => {
    if (candleWindows.get(id) === entry) candleWindows.delete(id);
  };
  columns.then((c) => c.time.at(-1) !== lastOpen && forget(), forget);
  return columns;
}

/**
 * The windows read in the last seconds: the activations of one market (every user's) evaluate on the same close and
 * read the same candles, closed and no longer written. Shared read-only (the sandbox gets a copy).
 */
const WINDOW_KEPT_MS = 10_000;
const WINDOWS_KEPT = 256;
const candleWindows = new Map<string, { columns: Promise<CandleColumns>; at: number }>();

async function readCandles(
  db: Knex,
  key: { source: string; symbol: string; timeframe: string },
  lastOpen: number,
  count: number,
): Promise<CandleColumns> {
  const rows: { t: number; o: number; h: number; l: number; c: number; v: number }[] = await db
    .select(
      db.raw('(extract(epoch FROM open_time) * 1000)::float8 AS t'),
      db.raw('open::float8 AS o, high::float8 AS h, low::float8 AS l, close::float8 AS c, volume::float8 AS v'),
    )
    .from('candles')
    .where({ source: key.source, symbol: key.symbol, timeframe: key.timeframe })
    .where('open_time', '<=', new Date(lastOpen))
    .orderBy('open_time', 'desc')
    .limit(count);
  rows.reverse();
  const columns = Object.fromEntries(COLUMNS.map((name) => [name, new Float64Array(rows.length)])) as CandleColumns;
  rows.forEach((r, i) => {
    columns.time[i] = Number(r.t);
    columns.open[i] = Number(r.o);
    columns.high[i] = Number(r.h);
    columns.low[i] = Number(r.l);
    columns.close[i] = Number(r.c);
    columns.volume[i] = Number(r.v);
  });
  return columns;
}

/** What the strategy sees: its free balance (within its budget) and its open position. */
export function strategyState(balance: number, position: PositionRow | undefined): StrategyState {
  return {
    balance,
    position: position
      ? {
          side: position.side,
          entryPrice: Number(position.entry_price),
          quantity: Number(position.quantity),
          entryTime: new Date(position.opened_at).getTime(),
          stopLoss: position.stop_loss === null ? null : Number(position.stop_loss),
          takeProfit: position.take_profit === null ? null : Number(position.take_profit),
        }
      : null,
  };
}
