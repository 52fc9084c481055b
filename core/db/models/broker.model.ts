import { Model } from 'objection';
import { OwnedModel } from './base.model';
import { User } from './user.model';

export class Broker extends OwnedModel {
  static tableName = 'brokers';

  name!: string;
  exchange!: string;
  credentials_enc!: string | null;
  credentials_hint!: string | null;
  is_default!: boolean;
  is_testnet!: boolean;
  is_active!: boolean;
  validated_at!: Date | null;
  created_at!: Date;
  updated_at!: Date;

  static relationMappings = () => ({
    user: { relation: Model.BelongsToOneRelation, modelClass: User, join: { from: 'brokers.user_id', to: 'users.id' } },
  });
}
