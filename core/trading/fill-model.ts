import { Dec as Decimal, STORED_DECIMALS } from '../decimal';

/**
 * The one fill model, shared by the paper exchange and the backtests: a market order fills at the last price moved
 * against the taker by the slippage; a limit order fills at its own price once the market trades through it. Fees
 * are charged in the quote asset at the market's taker (market) or maker (resting limit) rate.
 *
 * The rules are written once over an arithmetic: the paper exchange keeps account balances, so it fills in exact
 * decimals; a backtest fills tens of thousands of simulated orders a second and uses float64 through the very same
 * rules (decimal.js costs ≈10 µs per simulated round trip, more than the whole per-trade budget).
 */
export interface Arithmetic<T> {
  of(value: string | number | T): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  lte(a: T, b: T): boolean;
  gte(a: T, b: T): boolean;
  min(a: T, b: T): T;
  max(a: T, b: T): T;
  /** Rounds a price or an amount to what we store. */
  stored(value: T): T;
  /** Rounds a fee to what we store, up, so the simulation never undercharges. */
  storedUp(value: T): T;
}

export interface FillOf<T> {
  price: T;
  amount: T;
  /** Quantity × price, in the quote asset, before fees. */
  cost: T;
  fee: T;
  role: 'taker' | 'maker';
}

export interface FeesOf<T> {
  makerFee: T | null;
  takerFee: T | null;
}

interface OrderOf<T> {
  side: 'buy' | 'sell';
  amount: T;
  price: T;
}

/** The fill rules over one arithmetic. */
export function fillRules<T>(n: Arithmetic<T>) {
  const zero = n.of(0);
  const one = n.of(1);

  function fill(price: T, amount: T, rate: T | null, role: FillOf<T>['role']): FillOf<T> {
    const cost = n.stored(n.mul(price, amount));
    return { price: n.stored(price), amount, cost, fee: n.storedUp(n.mul(cost, rate ?? zero)), role };
  }

  /** Fills a market order now. `slippage` is a fraction (0.0005 = 0.05 %). */
  function marketFill(side: 'buy' | 'sell', amount: T, lastPrice: T, fees: FeesOf<T>, slippage: T): FillOf<T> {
    const move = side === 'buy' ? n.add(one, slippage) : n.sub(one, slippage);
    return fill(n.mul(lastPrice, move), amount, fees.takerFee, 'taker');
  }

  /**
   * Fills a resting limit order if the market traded through its price during the observed range (a candle's low
   * and high; the last price for both when watching live), or returns null.
   */
  function limitFill(order: OrderOf<T>, range: { low: T; high: T }, fees: FeesOf<T>): FillOf<T> | null {
    const crossed = order.side === 'buy' ? n.lte(range.low, order.price) : n.gte(range.high, order.price);
    return crossed ? fill(order.price, order.amount, fees.makerFee, 'maker') : null;
  }

  /**
   * A limit order that is marketable when placed takes liquidity at once: it fills like a market order, but never
   * beyond its limit price.
   */
  function marketableLimitFill(order: OrderOf<T>, lastPrice: T, fees: FeesOf<T>, slippage: T): FillOf<T> | null {
    const marketable = order.side === 'buy' ? n.lte(lastPrice, order.price) : n.gte(lastPrice, order.price);
    if (!marketable) return null;
    const taken = marketFill(order.side, order.amount, lastPrice, fees, slippage);
    const capped = order.side === 'buy' ? n.min(taken.price, order.price) : n.max(taken.price, order.price);
    return fill(capped, order.amount, fees.takerFee, 'taker');
  }

  return { marketFill, limitFill, marketableLimitFill };
}

const decimals: Arithmetic<Decimal> = {
  of: (value) => new Decimal(value),
  add: (a, b) => a.plus(b),
  sub: (a, b) => a.minus(b),
  mul: (a, b) => a.mul(b),
  lte: (a, b) => a.lte(b),
  gte: (a, b) => a.gte(b),
  min: (a, b) => Decimal.min(a, b),
  max: (a, b) => Decimal.max(a, b),
  stored: (value) => value.toDecimalPlaces(STORED_DECIMALS, Decimal.ROUND_HALF_EVEN),
  storedUp: (value) => value.toDecimalPlaces(STORED_DECIMALS, Decimal.ROUND_UP),
};

/** float64: what the backtests simulate with (storage rounding is done when results are written). */
export const floats: Arithmetic<number> = {
  of: Number,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  lte: (a, b) => a <= b,
  gte: (a, b) => a >= b,
  min: Math.min,
  max: Math.max,
  stored: (value) => value,
  storedUp: (value) => value,
};

export const floatFills = fillRules(floats);
const decimalFills = fillRules(decimals);

/** A fill as the paper exchange records it: decimal strings. */
export type Fill = FillOf<string>;
export type FillFees = FeesOf<string>;

const toStrings = (f: FillOf<Decimal>): Fill => ({
  price: f.price.toFixed(),
  amount: f.amount.toFixed(),
  cost: f.cost.toFixed(),
  fee: f.fee.toFixed(),
  role: f.role,
});
const decimalFees = (fees: FillFees): FeesOf<Decimal> => ({
  makerFee: fees.makerFee === null ? null : new Decimal(fees.makerFee),
  takerFee: fees.takerFee === null ? null : new Decimal(fees.takerFee),
});
const decimalOrder = (order: { side: 'buy' | 'sell'; amount: string; price: string }): OrderOf<Decimal> => ({
  side: order.side,
  amount: new Decimal(order.amount),
  price: new Decimal(order.price),
});

/** Fills a market order now, in exact decimals. `slippage` is a fraction ('0.0005' = 0.05 %). */
export function marketFill(
  side: 'buy' | 'sell',
  amount: string,
  lastPrice: string,
  fees: FillFees,
  slippage: string,
): Fill {
  return toStrings(
    decimalFills.marketFill(
      side,
      new Decimal(amount),
      new Decimal(lastPrice),
      decimalFees(fees),
      new Decimal(slippage),
    ),
  );
}

/** See fillRules().limitFill, in exact decimals. */
export function limitFill(
  order: { side: 'buy' | 'sell'; amount: string; price: string },
  range: { low: string; high: string },
  fees: FillFees,
): Fill | null {
  const filled = decimalFills.limitFill(
    decimalOrder(order),
    { low: new Decimal(range.low), high: new Decimal(range.high) },
    decimalFees(fees),
  );
  return filled && toStrings(filled);
}

/** See fillRules().marketableLimitFill, in exact decimals. */
export function marketableLimitFill(
  order: { side: 'buy' | 'sell'; amount: string; price: string },
  lastPrice: string,
  fees: FillFees,
  slippage: string,
): Fill | null {
  const filled = decimalFills.marketableLimitFill(
    decimalOrder(order),
    new Decimal(lastPrice),
    decimalFees(fees),
    new Decimal(slippage),
  );
  return filled && toStrings(filled);
}

/** What a resting order locks: the quote to pay with its maker fee for a buy, the base quantity for a sell. */
export function reservation(
  order: { side: 'buy' | 'sell'; amount: string; price: string },
  fees: FillFees,
): { asset: 'base' | 'quote'; amount: string } {
  if (order.side === 'sell') return { asset: 'base', amount: new Decimal(order.amount).toFixed() };
  const cost = new Decimal(order.price).mul(order.amount);
  return { asset: 'quote', amount: cost.plus(cost.mul(fees.makerFee ?? 0)).toFixed() };
}
