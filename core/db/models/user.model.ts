import { Model } from 'objection';
import { usernameKey } from '../../auth/username-key';
import { BaseModel } from './base.model';
import { Broker } from './broker.model';
import { Strategy } from './strategy.model';

export type Theme = 'dark' | 'light';
export type DisplayTimezone = 'UTC' | 'local';
export type Language = 'fr' | 'en';

export class User extends BaseModel {
  static tableName = 'users';

  id!: number;
  username!: string;
  /** `username` folded once (core/auth/username-key.ts): what lookups and the unique index compare. Set here. */
  username_key!: string;
  password_hash!: string;
  is_admin!: boolean;
  default_broker_id!: number | null;
  ai_provider!: 'none' | 'openrouter' | 'ollama';
  ai_api_key_enc!: string | null;
  ai_ollama_url!: string | null;
  ai_model!: string | null;
  display_timezone!: DisplayTimezone;
  theme!: Theme;
  language!: Language;
  created_at!: Date;
  updated_at!: Date;

  $beforeInsert(): void {
    this.username_key = usernameKey(this.username);
  }

  $beforeUpdate(): void {
    super.$beforeUpdate();
    if (this.username !== undefined) this.username_key = usernameKey(this.username);
  }

  static relationMappings = () => ({
    brokers: { relation: Model.HasManyRelation, modelClass: Broker, join: { from: 'users.id', to: 'brokers.user_id' } },
    strategies: {
      relation: Model.HasManyRelation,
      modelClass: Strategy,
      join: { from: 'users.id', to: 'strategies.user_id' },
    },
    defaultBroker: {
      relation: Model.BelongsToOneRelation,
      modelClass: Broker,
      join: { from: 'users.default_broker_id', to: 'brokers.id' },
    },
  });
}
