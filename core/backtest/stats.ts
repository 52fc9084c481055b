import { decimalFromFloat } from '../decimal';
import { DEFAULT_AMOUNT_RULES, entryQuantity, sizingOf } from '../engine/sizing';
import { dailyCloses, maxDrawdown, riskRatios, tradeOutcomes } from '../stats/outcomes';
import { floatFills } from '../trading/fill-model';
import type { StrategyError } from '../sandbox/strategy-error';
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

/** What a run leaves in `backtest_results.stats`: its figures, sampled equity curve and logs, or its strategy's error. */
export type StoredBacktestResult =
  | (BacktestStats & { equity: ReturnType<typeof equityCurve>; logs: string[] })
  | { error: ReturnType<StrategyError['toJSON']> };

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
  const { sharpe, sortino } = riskRatios(dailyCloses(equity, candles.time, settings.timeframeMs), settings.timeframeMs);
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
