import { Model } from 'objection';
import { OwnedModel } from './base.model';
import { Broker } from './broker.model';
import { Strategy } from './strategy.model';

export type { ActivationState } from '../../live/activation-view';
import type { ActivationState } from '../../live/activation-view';

export class ActiveStrategy extends OwnedModel {
  static tableName = 'active_strategies';

  strategy_id!: number;
  broker_id!: number;
  symbol!: string;
  timeframe!: string;
  start_date!: Date;
  end_date!: Date;
  state!: ActivationState;
  suspended_by!: 'user' | 'errors' | 'emergency' | null;
  market!: 'spot' | 'futures';
  budget!: string | null;
  close_at_end!: boolean;
  protection!: 'bot' | 'exchange';
  last_close_time!: Date | null;
  last_error!: string | null;
  last_error_at!: Date | null;
  error_count!: number;
  created_at!: Date;
  updated_at!: Date;

  static relationMappings = () => ({
    strategy: {
      relation: Model.BelongsToOneRelation,
      modelClass: Strategy,
      join: { from: 'active_strategies.strategy_id', to: 'strategies.id' },
    },
    broker: {
      relation: Model.BelongsToOneRelation,
      modelClass: Broker,
      join: { from: 'active_strategies.broker_id', to: 'brokers.id' },
    },
  });
}
