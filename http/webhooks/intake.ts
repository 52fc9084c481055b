import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { EventPublisher } from '../../core/realtime/publisher';
import { parseWebhookBody, type WebhookSignal } from '../../core/webhooks/parse';
import { passphraseMatches } from '../../core/webhooks/secrets';
import type { WebhookSourceRow } from '../../core/webhooks/source-view';
import { queueWebhook } from '../../queues/webhook-jobs';
import type { AppDeps } from '../context';

export interface WebhookIntakeDeps {
  db: Knex;
  queue: Queue;
  publisher: EventPublisher;
  logger: Logger;
  secret: string;
  tradingViewIps: string[];
}

/** The intake's needs, from the web app's. */
export function intakeDeps(deps: AppDeps): WebhookIntakeDeps {
  if (!deps.webhookQueue) throw new Error('the webhook intake needs the webhook queue');
  return {
    db: deps.db,
    queue: deps.webhookQueue,
    publisher: deps.publisher,
    logger: deps.logger,
    secret: deps.config.SECRET_KEY,
    tradingViewIps: deps.config.TRADINGVIEW_IPS,
  };
}

export type IntakeStatus = 'received' | 'rejected' | 'duplicate';

export interface IntakeOutcome {
  id: number;
  status: IntakeStatus;
  reason: string | null;
}

/** What is kept of a request's headers: enough to tell where it came from, nothing of the caller's cookies. */
const KEPT_HEADERS = ['content-type', 'content-length', 'user-agent', 'x-forwarded-for', 'x-aristobot-test'];

export function keptHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = headers[name];
    if (value !== undefined) kept[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}

/** The passphrase as our JSON and TradingView's carry it, and 3Commas' `secret`. */
const SECRET_VALUES = /("(?:passphrase|secret)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;

/**
 * The body as it is kept and shown in the log: the source's passphrase is a credential, checked against its HMAC and
 * never written in clear, like the request's other secrets.
 */
export function maskedBody(body: string): string {
  return body.replace(SECRET_VALUES, '$1"•••"');
}

/** An IPv4 address as Node may write it on a dual-stack socket (`::ffff:52.89.214.238`). */
const plainIp = (ip: string | null) => (ip ?? '').replace(/^::ffff:/, '');

/**
 * Why the source refuses this signal, before anything is ordered, or null. Only checks that need nothing but the
 * source and the body: whether the pair exists is the actor's to say, from the broker's markets.
 */
function refusal(
  deps: WebhookIntakeDeps,
  source: WebhookSourceRow,
  signal: WebhookSignal,
  trusted: boolean,
  now: number,
): string | null {
  if (source.passphrase_hash && !trusted) {
    if (signal.passphrase === null) return 'passphrase : absente du message, la source en demande une';
    if (!passphraseMatches(signal.passphrase, source.passphrase_hash, deps.secret, Number(source.user_id))) {
      return 'passphrase : incorrecte';
    }
  }
  if (signal.id !== null && signal.id.length > 200) return 'id : 200 caractères au plus';
  if (!source.actions.includes(signal.action)) {
    return `action : « ${signal.action} » n'est pas autorisée sur cette source (${source.actions.join(', ')})`;
  }
  if (source.replay_window_s !== null && signal.time !== null) {
    const sent = Date.parse(signal.time);
    if (!Number.isFinite(sent)) return `time : date illisible « ${signal.time} »`;
    if (Math.abs(now - sent) > source.replay_window_s * 1000) {
      return `time : envoyé à ${signal.time}, hors de la fenêtre anti-rejeu de ${source.replay_window_s} s`;
    }
  }
  if (signal.ticker === null && source.symbol === null) {
    return 'symbol : paire absente du message et pas de paire par défaut sur la source';
  }
  // A spot sell closes what the source holds; a buy, and a futures sell, open a position and need a size.
  const opens = signal.action === 'buy' || (signal.action === 'sell' && source.market === 'futures');
  if (opens && signal.size === null && source.size_kind === null) {
    return 'taille : absente du message (quantity, quoteAmount ou percent) et pas de taille par défaut sur la source';
  }
  return null;
}

/**
 * Takes one request to a source in: stored first, with its headers and what was understood, then handed to the
 * webhook actor. A refused body is stored `rejected` with the reason; the same signal seen again (its `id`, or the
 * same body within the source's window) is stored `duplicate`. Either way nothing is ordered. The answer never waits
 * for an exchange: TradingView gives up after 3 seconds and never sends again.
 */
export async function acceptWebhook(
  deps: WebhookIntakeDeps,
  source: WebhookSourceRow,
  raw: string,
  request: { ip: string | null; headers: Record<string, string> },
  trusted = false,
): Promise<IntakeOutcome> {
  const now = Date.now();
  // PostgreSQL's text holds no NUL: one is kept visible, and such a body is refused by the parser anyway.
  const body = raw.replace(/\0/g, '\uFFFD');
  const bodyHash = createHash('sha256').update(body).digest('hex');
  const ip = plainIp(request.ip);
  const headers = { ...request.headers, ip };
  let status: IntakeStatus = 'received';
  let reason: string | null;
  let signal: WebhookSignal | null = null;
  if (source.ip_allowlist && !trusted && !deps.tradingViewIps.includes(ip)) {
    status = 'rejected';
    reason = `adresse IP ${ip || 'inconnue'} : pas une adresse de TradingView (TRADINGVIEW_IPS)`;
  } else {
    const parsed = parseWebhookBody(raw.includes('\0') ? '' : raw);
    if (!parsed.ok) {
      status = 'rejected';
      reason = raw.includes('\0') ? 'message : caractère NUL refusé' : parsed.reason;
    } else {
      signal = parsed.signal;
      reason = refusal(deps, source, signal, trusted, now);
      if (reason) status = 'rejected';
    }
  }
  // The passphrase is checked, not kept: the log shows what was understood, and it is shown to its user.
  const understood = signal && { ...signal, passphrase: signal.passphrase === null ? null : '•••' };

  // A copy's reason names the webhook it copies, which only the store knows: it is written between these two parts.
  const duplicate =
    signal?.id != null
      ? [`id : « ${signal.id} » déjà reçu (webhook n° `, '), non exécuté une seconde fois']
      : [`message identique reçu il y a moins de ${source.dedupe_window_s} s (webhook n° `, '), non exécuté'];
  const stored = await deps.db.raw<{ rows: { id: string; status: IntakeStatus; reason: string | null }[] }>(
    'SELECT * FROM accept_webhook(?, ?, ?::jsonb, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?)',
    [
      source.user_id,
      source.id,
      JSON.stringify(headers),
      maskedBody(body),
      understood === null ? null : JSON.stringify(understood),
      status,
      reason,
      signal?.id ?? null,
      bodyHash,
      source.dedupe_window_s,
      duplicate[0],
      duplicate[1],
    ],
  );
  const row = { id: Number(stored.rows[0].id) };
  status = stored.rows[0].status;
  reason = stored.rows[0].reason;

  if (status === 'received') {
    // Stored is safe: should Redis be away now, the actor's sweep queues what was left `received`.
    await queueWebhook(deps.queue, row.id).catch((error: unknown) =>
      deps.logger.warn({ err: error, webhookId: row.id }, 'webhook stored but not queued: the sweep will queue it'),
    );
  }
  await deps.publisher
    .publish('webhook:changed', { id: row.id, sourceId: Number(source.id), status }, { userId: Number(source.user_id) })
    .catch((error: unknown) => deps.logger.warn({ err: error }, 'webhook event not published'));
  return { id: row.id, status, reason };
}
