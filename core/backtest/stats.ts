import { decimalFromFloat } from '../decimal';
import { DEFAULT_AMOUNT_RULES, entryQuantity, sizingOf } from '../engine/sizing';
import { maxDrawdown, tradeOutcomes } from '../stats/outcomes';
import { floatFills } from '../trading/fill-model';
import type { CandleColumns } from '../sandbox/strategy-runner';
import type { SimulatedTrade, SimulationSettings } from './engine';

export interface BacktestStats {
  initialAmount: string;
  finalAmount: string;
  totalPnl: string;
  totalPnlPct: number;
  totalTrades: number;
  winningTrades: number;
  losingTrades: number;
  winRate: number | null;
  largestWin: string | null;
  largestLoss: string | null;
  maxDrawdown: string;
  maxDrawdownPct: number;
  sharpe: number | null;
  sortino: number | null;
  profitFactor: number | null;
  /** Share of candles with a position open, in %. */
  exposurePct: number;
  buyAndHoldFinal: string | null;
  buyAndHoldPct: number | null;
  candles: number;
}

const DAY_MS = 86_400_000;
const YEAR_DAYS = 365;

/** Equity at the last close of each UTC day (or of each candle when candles are a day or longer). */
function periodEquity(equity: Float64Array, time: Float64Array, timeframeMs: number): number[] {
  if (timeframeMs >= DAY_MS) return Array.from(equity);
  const out: number[] = [];
  for (let j = 0; j < equity.length; j++) {
    const lastOfDay = j === equity.length - 1 || Math.floor(time[j] / DAY_MS) !== Math.floor(time[j + 1] / DAY_MS);
    if (lastOfDay) out.push(equity[j]);
  }
  return out;
}

/** Annualised Sharpe and Sortino ratios of daily returns (crypto trades every day; risk-free rate 0). */
function riskRatios(values: number[], periodMs: number): { sharpe: number | null; sortino: number | null } {
  const returns: number[] = [];
  for (let j = 1; j < values.length; j++) if (values[j - 1] > 0) returns.push(values[j] / values[j - 1] - 1);
  if (returns.length < 2) return { sharpe: null, sortino: null };
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const variance = returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (returns.length - 1);
  const downside = Math.sqrt(returns.reduce((a, r) => a + Math.min(r, 0) ** 2, 0) / returns.length);
  const annual = Math.sqrt((YEAR_DAYS * DAY_MS) / Math.max(periodMs, DAY_MS));
  return {
    sharpe: variance > 0 ? round((mean / Math.sqrt(variance)) * annual, 4) : null,
    sortino: downside > 0 ? round((mean / downside) * annual, 4) : null,
  };
}

/**
 * Buying with the whole amount at the first close and selling at the last, through the same fill model and the same
 * market rules (null when they refuse the order).
 */
function buyAndHold(candles: CandleColumns, settings: SimulationSettings): number | null {
  const n = candles.close.length;
  if (n === 0) return null;
  const fee = Number(settings.fee);
  const slippage = Number(settings.slippage);
  const fees = { makerFee: fee, takerFee: fee };
  const initial = Number(settings.initialAmount);
  const sizing = sizingOf(settings.marketRules ?? DEFAULT_AMOUNT_RULES);
  const { quantity } = entryQuantity(initial, initial, candles.close[0] * (1 + slippage), fee, sizing);
  if (quantity === 0) return null;
  const buy = floatFills.marketFill('buy', quantity, candles.close[0], fees, slippage);
  const sell = floatFills.marketFill('sell', quantity, candles.close[n - 1], fees, slippage);
  return initial - buy.cost - buy.fee + sell.cost - sell.fee;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const pctOf = (part: number, whole: number) => (whole === 0 ? 0 : round((part / whole) * 100, 4));

export function computeStats(
  trades: SimulatedTrade[],
  equity: Float64Array,
  exposedCandles: number,
  finalBalance: number,
  candles: CandleColumns,
  settings: SimulationSettings,
): BacktestStats {
  const initial = Number(settings.initialAmount);
  const outcomes = tradeOutcomes(trades.map((t) => t.pnl));
  const dd = maxDrawdown(equity);
  const hold = buyAndHold(candles, settings);
  const { sharpe, sortino } = riskRatios(
    periodEquity(equity, candles.time, settings.timeframeMs),
    settings.timeframeMs,
  );
  return {
    initialAmount: decimalFromFloat(initial),
    finalAmount: decimalFromFloat(finalBalance),
    totalPnl: decimalFromFloat(finalBalance - initial),
    totalPnlPct: pctOf(finalBalance - initial, initial),
    totalTrades: outcomes.trades,
    winningTrades: outcomes.wins,
    losingTrades: outcomes.losses,
    winRate: outcomes.winRate,
    largestWin: outcomes.largestWin === null ? null : decimalFromFloat(outcomes.largestWin),
    largestLoss: outcomes.largestLoss === null ? null : decimalFromFloat(outcomes.largestLoss),
    maxDrawdown: decimalFromFloat(round(dd.abs, 8)),
    maxDrawdownPct: round(dd.pct, 4),
    sharpe,
    sortino,
    profitFactor: outcomes.profitFactor,
    exposurePct: equity.length ? round((exposedCandles / equity.length) * 100, 4) : 0,
    buyAndHoldFinal: hold === null ? null : decimalFromFloat(hold),
    buyAndHoldPct: hold === null ? null : pctOf(hold - initial, initial),
    candles: equity.length,
  };
}

/** At most `points` samples of the equity curve for the chart: [open time ms, equity]. */
export function equityCurve(equity: Float64Array, time: Float64Array, points = 1000): [number, number][] {
  const step = Math.max(1, Math.ceil(equity.length / points));
  const out: [number, number][] = [];
  for (let j = 0; j < equity.length; j += step) out.push([time[j], Math.round(equity[j] * 1e8) / 1e8]);
  if (equity.length && (equity.length - 1) % step !== 0) {
    out.push([time[equity.length - 1], Math.round(equity[equity.length - 1] * 1e8) / 1e8]);
  }
  return out;
}
