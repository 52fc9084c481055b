import { OwnedModel } from './base.model';

export class Webhook extends OwnedModel {
  static tableName = 'webhooks';
  static jsonAttributes = ['payload'];
  static hasUpdatedAt = false;

  source!: string;
  payload!: unknown;
  raw_body!: string;
  status!: 'received' | 'processed' | 'failed' | 'ignored';
  error_message!: string | null;
  processed_at!: Date | null;
  created_at!: Date;
}
