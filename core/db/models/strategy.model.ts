import { Model } from 'objection';
import type { Timeframe } from '../../../queues/names';
import { OwnedModel } from './base.model';
import { ActiveStrategy } from './active-strategy.model';

export class Strategy extends OwnedModel {
  static tableName = 'strategies';

  name!: string;
  description!: string;
  timeframe!: Timeframe;
  code!: string;
  created_at!: Date;
  updated_at!: Date;

  static relationMappings = () => ({
    activations: {
      relation: Model.HasManyRelation,
      modelClass: ActiveStrategy,
      join: { from: 'strategies.id', to: 'active_strategies.strategy_id' },
    },
  });
}
