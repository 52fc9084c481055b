import type { z } from 'zod';
import type { sourceCreateSchema, sourceUpdateSchema } from '@http/routes/webhook-source-fields';

export type { SourceAction, SourceSize, WebhookSourceView as WebhookSource } from '@core/webhooks/source-view';
export type {
  StoredSignal as WebhookSignal,
  WebhookEntry,
  WebhookStatus,
  WebhookTestResult as TestResult,
} from '@http/routes/webhook-views';

export type SourceCreateBody = z.input<typeof sourceCreateSchema>;
/** The fields changed; `passphrase: null` clears it. */
export type SourceUpdateBody = z.input<typeof sourceUpdateSchema>;
/** What the source form sends, every field given, for a create and an update alike. */
export type SourceDraft = SourceCreateBody;
