import { Model } from 'objection';
import { OwnedModel } from './base.model';
import { Broker } from './broker.model';

export class Position extends OwnedModel {
  static tableName = 'positions';
  static hasUpdatedAt = false;

  broker_id!: number;
  active_strategy_id!: number | null;
  symbol!: string;
  side!: 'long' | 'short';
  quantity!: string;
  entry_price!: string;
  current_price!: string | null;
  stop_loss!: string | null;
  take_profit!: string | null;
  unrealized_pnl!: string | null;
  status!: 'open' | 'closed';
  opened_at!: Date;
  closed_at!: Date | null;
  entry_trade_id!: number | null;
  exit_trade_id!: number | null;
  entry_fee!: string | null;
  exit_price!: string | null;
  realized_pnl!: string | null;
  exit_reason!: string | null;
  checked_until!: Date | null;

  static relationMappings = () => ({
    broker: {
      relation: Model.BelongsToOneRelation,
      modelClass: Broker,
      join: { from: 'positions.broker_id', to: 'brokers.id' },
    },
  });
}
