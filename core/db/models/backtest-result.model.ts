import { Model } from 'objection';
import type { StoredBacktestResult } from '../../backtest/stats';
import type { BacktestTimeframe } from '../../candles/history';
import { OwnedModel } from './base.model';
import { BacktestTrade } from './backtest-trade.model';
import { Strategy } from './strategy.model';

export class BacktestResult extends OwnedModel {
  static tableName = 'backtest_results';
  static jsonAttributes = ['stats', 'params'];
  static hasUpdatedAt = false;

  strategy_id!: number | null;
  broker_id!: number | null;
  source!: string;
  symbol!: string;
  timeframe!: BacktestTimeframe;
  start_date!: Date;
  end_date!: Date;
  initial_amount!: string;
  final_amount!: string | null;
  fee!: string;
  slippage!: string;
  fill!: 'close' | 'next_open';
  market!: 'spot' | 'futures';
  status!: 'queued' | 'loading' | 'running' | 'completed' | 'failed' | 'cancelled';
  progress!: number;
  /** Where a cancelled or failed run stopped: `loading` (candles) or `running` (simulation). */
  stopped_phase!: 'loading' | 'running' | null;
  error_message!: string | null;
  total_trades!: number | null;
  winning_trades!: number | null;
  losing_trades!: number | null;
  max_drawdown!: string | null;
  sharpe_ratio!: number | null;
  stats!: StoredBacktestResult | null;
  /** The strategy's parameter values of this run; null: its defaults. */
  params!: Record<string, number> | null;
  created_at!: Date;
  finished_at!: Date | null;

  static relationMappings = () => ({
    trades: {
      relation: Model.HasManyRelation,
      modelClass: BacktestTrade,
      join: { from: 'backtest_results.id', to: 'backtest_trades.backtest_id' },
    },
    strategy: {
      relation: Model.BelongsToOneRelation,
      modelClass: Strategy,
      join: { from: 'backtest_results.strategy_id', to: 'strategies.id' },
    },
  });
}
