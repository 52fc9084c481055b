import type { BacktestResult, BacktestTrade } from '../../core/db/models';
import { trimDecimal, trimNullableDecimal } from '../../core/decimal';

// The JSON of the backtest routes, built here so that the web app reads its types from what builds it.

export function backtestSummary(b: BacktestResult, strategyName?: string | null) {
  return {
    id: b.id,
    strategyId: b.strategy_id,
    strategyName: strategyName ?? null,
    source: b.source,
    symbol: b.symbol,
    timeframe: b.timeframe,
    from: new Date(b.start_date).toISOString(),
    to: new Date(b.end_date).toISOString(),
    initialAmount: trimDecimal(b.initial_amount),
    finalAmount: trimNullableDecimal(b.final_amount),
    fee: trimDecimal(b.fee),
    slippage: trimDecimal(b.slippage),
    fill: b.fill,
    market: b.market,
    status: b.status,
    progress: b.progress,
    stoppedPhase: b.stopped_phase,
    error: b.error_message,
    totalTrades: b.total_trades,
    params: b.params,
    createdAt: new Date(b.created_at).toISOString(),
    finishedAt: b.finished_at ? new Date(b.finished_at).toISOString() : null,
  };
}
export type BacktestSummaryView = ReturnType<typeof backtestSummary>;

export function backtestTradeView(t: BacktestTrade) {
  return {
    side: t.side,
    entryTime: new Date(t.entry_time).toISOString(),
    exitTime: t.exit_time ? new Date(t.exit_time).toISOString() : null,
    entryPrice: trimDecimal(t.entry_price),
    exitPrice: trimNullableDecimal(t.exit_price),
    quantity: trimDecimal(t.quantity),
    fees: trimDecimal(t.fees),
    pnl: trimNullableDecimal(t.pnl),
    balanceAfter: trimNullableDecimal(t.balance_after),
    exitReason: t.exit_reason,
  };
}
export type BacktestTradeView = ReturnType<typeof backtestTradeView>;

/** `GET /api/backtests/:id`: the run, what it stored, and its trades. */
export interface BacktestDetailView extends BacktestSummaryView {
  result: BacktestResult['stats'];
  trades: BacktestTradeView[];
}

/** `POST /api/backtests` (the run queued) and `POST /api/backtests/:id/cancel`. */
export interface BacktestQueued {
  id: number;
}

/** `GET /api/backtests/:id/candles`: [time, open, high, low, close] bars, each merging `candlesPerBar` candles. */
export interface BacktestBars {
  candlesPerBar: number;
  bars: [number, number, number, number, number][];
}
