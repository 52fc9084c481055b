import { OwnedModel } from './base.model';

export class Webhook extends OwnedModel {
  static tableName = 'webhooks';
  static jsonAttributes = ['parsed', 'headers'];
  static hasUpdatedAt = false;

  source!: string;
  source_id!: number | null;
  headers!: Record<string, string> | null;
  parsed!: unknown;
  raw_body!: string;
  status!: 'received' | 'processed' | 'failed' | 'rejected' | 'duplicate';
  reason!: string | null;
  trade_id!: number | null;
  body_id!: string | null;
  body_hash!: string | null;
  processed_at!: Date | null;
  created_at!: Date;
}
