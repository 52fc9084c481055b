import { Dec as Decimal, STORED_DECIMALS } from '../decimal';

/**
 * The one fill model, shared by the paper exchange and the backtests: a market order fills at the last price moved
 * against the taker by the slippage; a limit order fills at its own price once the market trades through it. Fees
 * are charged in the quote asset at the market's taker (market) or maker (resting limit) rate.
 */
export interface Fill {
  price: string;
  amount: string;
  /** Quantity × price, in the quote asset, before fees. */
  cost: string;
  fee: string;
  role: 'taker' | 'maker';
}

export interface FillFees {
  makerFee: string | null;
  takerFee: string | null;
}

function fill(price: Decimal, amount: string, rate: string | null, role: Fill['role']): Fill {
  // Rounded to what we store: the fee up, so the simulation never undercharges.
  const cost = price.mul(amount).toDecimalPlaces(STORED_DECIMALS, Decimal.ROUND_HALF_EVEN);
  return {
    price: price.toDecimalPlaces(STORED_DECIMALS, Decimal.ROUND_HALF_EVEN).toFixed(),
    amount: new Decimal(amount).toFixed(),
    cost: cost.toFixed(),
    fee: cost
      .mul(rate ?? 0)
      .toDecimalPlaces(STORED_DECIMALS, Decimal.ROUND_UP)
      .toFixed(),
    role,
  };
}

/** Fills a market order now. `slippage` is a fraction ('0.0005' = 0.05 %). */
export function marketFill(
  side: 'buy' | 'sell',
  amount: string,
  lastPrice: string,
  fees: FillFees,
  slippage: string,
): Fill {
  const move = new Decimal(1)[side === 'buy' ? 'plus' : 'minus'](slippage);
  return fill(new Decimal(lastPrice).mul(move), amount, fees.takerFee, 'taker');
}

/**
 * Fills a resting limit order if the market traded through its price during the observed range (a candle's low and
 * high; the last price for both when watching live), or returns null.
 */
export function limitFill(
  order: { side: 'buy' | 'sell'; amount: string; price: string },
  range: { low: string; high: string },
  fees: FillFees,
): Fill | null {
  const price = new Decimal(order.price);
  const crossed = order.side === 'buy' ? new Decimal(range.low).lte(price) : new Decimal(range.high).gte(price);
  return crossed ? fill(price, order.amount, fees.makerFee, 'maker') : null;
}

/**
 * A limit order that is marketable when placed takes liquidity at once: it fills like a market order, but never
 * beyond its limit price.
 */
export function marketableLimitFill(
  order: { side: 'buy' | 'sell'; amount: string; price: string },
  lastPrice: string,
  fees: FillFees,
  slippage: string,
): Fill | null {
  const limit = new Decimal(order.price);
  const last = new Decimal(lastPrice);
  const marketable = order.side === 'buy' ? last.lte(limit) : last.gte(limit);
  if (!marketable) return null;
  const taken = marketFill(order.side, order.amount, lastPrice, fees, slippage);
  const capped = order.side === 'buy' ? Decimal.min(taken.price, limit) : Decimal.max(taken.price, limit);
  return fill(capped, order.amount, fees.takerFee, 'taker');
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
