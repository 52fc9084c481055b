import { Model } from 'objection';
import type { BacktestTimeframe } from '../../candles/history';
import type { Grid } from '../../sweeps/grid';
import type { RankBy } from '../../sweeps/ranking';
import { OwnedModel } from './base.model';
import { Strategy } from './strategy.model';

/** A parameter sweep (Optimisation); its runs are `sweep_runs` rows, owned through it. */
export class Sweep extends OwnedModel {
  static tableName = 'sweeps';
  static jsonAttributes = ['grid', 'constraints'];
  static hasUpdatedAt = false;

  strategy_id!: number | null;
  source!: string;
  symbol!: string;
  timeframe!: BacktestTimeframe;
  start_date!: Date;
  end_date!: Date;
  oos_start!: Date | null;
  oos_end!: Date | null;
  oos_top!: number;
  initial_amount!: string;
  fee!: string;
  slippage!: string;
  fill!: 'close' | 'next_open';
  market!: 'spot' | 'futures';
  grid!: Grid;
  constraints!: string[];
  max_runs!: number;
  combinations!: number;
  rank_by!: RankBy;
  status!: 'queued' | 'loading' | 'running' | 'completed' | 'failed' | 'cancelled';
  phase!: 'in' | 'out';
  error_message!: string | null;
  created_at!: Date;
  started_at!: Date | null;
  finished_at!: Date | null;

  static relationMappings = () => ({
    strategy: {
      relation: Model.BelongsToOneRelation,
      modelClass: Strategy,
      join: { from: 'sweeps.strategy_id', to: 'strategies.id' },
    },
  });
}
