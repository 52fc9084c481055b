import { Model } from 'objection';
import type { OrderRefusalReason } from '../../trading/order-messages';
import { OwnedModel } from './base.model';
import { Broker } from './broker.model';
import { Strategy } from './strategy.model';
import { Webhook } from './webhook.model';

export type TradeSource = 'manual' | 'strategy' | 'webhook';

/** Every order attempt, failures included. Amounts are decimal strings. */
export class Trade extends OwnedModel {
  static tableName = 'trades';

  broker_id!: number | null;
  strategy_id!: number | null;
  active_strategy_id!: number | null;
  webhook_id!: number | null;
  source!: TradeSource;
  client_order_id!: string | null;
  exchange_order_id!: string | null;
  symbol!: string;
  side!: 'buy' | 'sell';
  type!: 'market' | 'limit';
  quantity!: string | null;
  quote_amount!: string | null;
  price!: string | null;
  filled_quantity!: string | null;
  average_price!: string | null;
  fee!: string | null;
  fee_currency!: string | null;
  status!: string;
  error_code!: string | null;
  error_message!: string | null;
  error_reason!: OrderRefusalReason | null;
  profit_loss!: string | null;
  executed_at!: Date | null;
  created_at!: Date;
  updated_at!: Date;

  static relationMappings = () => ({
    broker: {
      relation: Model.BelongsToOneRelation,
      modelClass: Broker,
      join: { from: 'trades.broker_id', to: 'brokers.id' },
    },
    strategy: {
      relation: Model.BelongsToOneRelation,
      modelClass: Strategy,
      join: { from: 'trades.strategy_id', to: 'strategies.id' },
    },
    webhook: {
      relation: Model.BelongsToOneRelation,
      modelClass: Webhook,
      join: { from: 'trades.webhook_id', to: 'webhooks.id' },
    },
  });
}
