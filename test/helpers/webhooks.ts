import request from 'supertest';
import { webhookActor } from '../../actors/webhook/webhook.actor';
import { startActors } from '../../actors/host';
import { createLogger } from '../../core/logger';
import type { WebhookSourceView } from '../../core/webhooks/source-view';
import { BrokerRequests } from '../../queues/broker-client';
import { openQueue } from '../../queues/connection';
import { QUEUES } from '../../queues/names';
import { uniqueName, type Client, type TestApp } from './app';

/** Creates a webhook source for the client's user (its default broker unless `fields` say otherwise). */
export async function createSource(client: Client, fields: Record<string, unknown> = {}): Promise<WebhookSourceView> {
  const res = await client.send('post', '/api/webhook-sources', { name: uniqueName('src'), ...fields });
  if (res.status !== 201) throw new Error(`source refused: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as WebhookSourceView;
}

/** The path part of a source's URL: `/webhooks/<token>`. */
export const pathOf = (source: Pick<WebhookSourceView, 'url'>): string => new URL(source.url).pathname;

/** Posts a body to the endpoint as TradingView does: JSON when it is valid JSON, plain text otherwise. */
export function postWebhook(app: TestApp, path: string, body: string | object, contentType?: string) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  let type = contentType;
  if (!type) {
    try {
      JSON.parse(text);
      type = 'application/json';
    } catch {
      type = 'text/plain; charset=utf-8';
    }
  }
  return request(app.web.app).post(path).set('content-type', type).send(text);
}

/** The webhook actor as a worker process runs it, in-process. */
export async function startWebhookWorker(app: TestApp) {
  const logger = createLogger('silent', 'test');
  const { config } = app;
  const broker = new BrokerRequests(app.redis, config.REDIS_URL, config.QUEUE_PREFIX, config.BROKER_REPLY_TIMEOUT_MS);
  const queue = openQueue(QUEUES.webhook, config.REDIS_URL, config.QUEUE_PREFIX);
  const host = await startActors(
    [
      webhookActor({
        db: app.db,
        broker,
        publisher: app.publisher,
        logger,
        paperSource: config.PAPER_PRICE_SOURCE,
        paperSlippage: config.PAPER_SLIPPAGE,
        queue,
        concurrency: 4,
        lockMs: config.BROKER_JOB_LOCK_MS,
      }),
    ],
    { redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX, logger },
  );
  return {
    close: async () => {
      await host.close();
      await broker.close();
      await queue.close();
    },
  };
}
