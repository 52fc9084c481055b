import { Model } from 'objection';
import { BaseModel } from './base.model';

/*
 * Tables shared by every user (market data and system state): no user_id, no tenant scope.
 */

export class ExchangeSymbol extends BaseModel {
  static tableName = 'exchange_symbols';

  id!: number;
  exchange!: string;
  symbol!: string;
  base!: string;
  quote!: string;
  active!: boolean;
  type!: string;
  min_amount!: string | null;
  max_amount!: string | null;
  min_cost!: string | null;
  amount_precision!: string | null;
  price_precision!: string | null;
  maker_fee!: string | null;
  taker_fee!: string | null;
  updated_at!: Date;
}

export class HeartbeatStatus extends BaseModel {
  static tableName = 'heartbeat_status';
  static jsonAttributes = ['symbols_monitored'];

  id!: number;
  is_connected!: boolean;
  last_application_start!: Date | null;
  last_application_stop!: Date | null;
  last_error!: string | null;
  last_error_at!: Date | null;
  symbols_monitored!: string[];
  updated_at!: Date;
}

export class CandleHeartbeat extends BaseModel {
  static tableName = 'candles_heartbeat';
  static hasUpdatedAt = false;

  id!: number;
  heartbeat_status_id!: number | null;
  symbol!: string;
  signal_type!: string;
  received_at!: Date;
  candle_time!: Date;
  backfilled!: boolean;

  static relationMappings = () => ({
    status: {
      relation: Model.BelongsToOneRelation,
      modelClass: HeartbeatStatus,
      join: { from: 'candles_heartbeat.heartbeat_status_id', to: 'heartbeat_status.id' },
    },
  });
}

export class Candle extends BaseModel {
  static tableName = 'candles';
  static hasUpdatedAt = false;

  id!: number;
  source!: string;
  symbol!: string;
  timeframe!: string;
  open_time!: Date;
  close_time!: Date;
  open!: string;
  high!: string;
  low!: string;
  close!: string;
  volume!: string;
  backfilled!: boolean;
}

export class DebugMode extends BaseModel {
  static tableName = 'debug_mode';

  id!: number;
  is_active!: boolean;
  updated_at!: Date;
}

/** A system alert (user_id NULL) or one user's alert. */
export class Alert extends BaseModel {
  static tableName = 'alerts';
  static jsonAttributes = ['details'];
  static hasUpdatedAt = false;

  id!: number;
  user_id!: number | null;
  kind!: string;
  severity!: 'info' | 'warning' | 'critical';
  message!: string;
  details!: Record<string, unknown> | null;
  created_at!: Date;
  resolved_at!: Date | null;
}
