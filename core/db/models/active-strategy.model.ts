import { Model } from 'objection';
import { OwnedModel } from './base.model';
import { Broker } from './broker.model';
import { Strategy } from './strategy.model';

export class ActiveStrategy extends OwnedModel {
  static tableName = 'active_strategies';

  strategy_id!: number;
  broker_id!: number;
  symbol!: string;
  timeframe!: string;
  start_date!: Date;
  end_date!: Date;
  is_active!: boolean;
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
