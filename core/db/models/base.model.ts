import { Model } from 'objection';

/** Common behaviour: `updated_at` maintained on update for tables that have it. */
export abstract class BaseModel extends Model {
  static hasUpdatedAt = true;

  $beforeUpdate(): void {
    if ((this.constructor as typeof BaseModel).hasUpdatedAt) {
      (this as unknown as { updated_at: Date }).updated_at = new Date();
    }
  }
}

/**
 * A row that belongs to one user. Such rows are read and written only through `core/db/tenant.ts`, which scopes
 * every query by the signed-in user.
 */
export abstract class OwnedModel extends BaseModel {
  id!: number;
  user_id!: number;
}
