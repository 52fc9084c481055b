import type { Request, Response } from 'express';
import { Router } from 'express';
import { Broker } from '../../core/db/models';
import { Dec } from '../../core/decimal';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors';
import { parse, type z } from '../../core/validation';
import { newToken, openToken, passphraseHash, sealToken, tokenHash } from '../../core/webhooks/secrets';
import { sourceView, type WebhookSourceRow, type WebhookSourceView } from '../../core/webhooks/source-view';
import { currentUser, tenant } from '../auth.middleware';
import type { AppDeps } from '../context';
import { idParam } from '../params';
import { acceptWebhook, intakeDeps } from '../webhooks/intake';
import { sourceCreateSchema, sourceUpdateSchema } from './webhook-source-fields';
import type { WebhookTestResult } from './webhook-views';

const NOT_FOUND = 'Source de webhook introuvable';

const LABELS = {
  name: 'Nom',
  brokerId: 'Broker',
  symbol: 'Paire par défaut',
  size: 'Taille par défaut',
  market: 'Marché',
  actions: 'Actions autorisées',
  passphrase: 'Phrase secrète',
  ipAllowlist: 'IP TradingView seulement',
  replayWindowS: 'Fenêtre anti-rejeu',
  dedupeWindowS: 'Fenêtre anti-doublon',
  active: 'Active',
};

type Update = z.infer<typeof sourceUpdateSchema>;

/** The columns a create or an update writes, from the validated body (`undefined`: left as is). */
function columnsOf(data: Update, userId: number, secret: string): Record<string, unknown> {
  const size = data.size === undefined ? undefined : data.size && Object.entries(data.size)[0];
  const columns: Record<string, unknown> = {
    name: data.name,
    broker_id: data.brokerId,
    symbol: data.symbol === undefined ? undefined : data.symbol || null,
    size_kind: size === undefined ? undefined : size ? size[0] : null,
    size_value: size === undefined ? undefined : size ? size[1] : null,
    market: data.market,
    actions: data.actions === undefined ? undefined : JSON.stringify([...new Set(data.actions)]),
    passphrase_hash:
      data.passphrase === undefined ? undefined : data.passphrase && passphraseHash(data.passphrase, secret, userId),
    ip_allowlist: data.ipAllowlist,
    replay_window_s: data.replayWindowS,
    dedupe_window_s: data.dedupeWindowS,
    active: data.active,
  };
  return Object.fromEntries(Object.entries(columns).filter(([, value]) => value !== undefined));
}

/** Where TradingView reaches us: PUBLIC_URL, else the address this page was opened at. */
function baseUrlOf(deps: AppDeps, req: Request): string {
  return deps.config.PUBLIC_URL ?? `${req.protocol}://${req.get('host') ?? `${deps.config.HOST}:${deps.config.PORT}`}`;
}

/**
 * The user's TradingView webhook sources: what each one trades with, and its URL. The token is made here and shown
 * only inside the URL, to its owner; the database keeps its hash (to match requests) and an encrypted copy.
 */
export function webhookSourcesRoutes(deps: AppDeps): Router {
  const router = Router();
  const idOf = (raw: string) => idParam(raw, NOT_FOUND);
  const secret = deps.config.SECRET_KEY;

  async function rowOf(res: Response, id: number): Promise<WebhookSourceRow> {
    const row: WebhookSourceRow | undefined = await deps
      .db('webhook_sources')
      .where({ id, user_id: currentUser(res).id })
      .first();
    if (!row) throw new NotFoundError(NOT_FOUND);
    return row;
  }

  async function viewsOf(req: Request, res: Response, id?: number): Promise<WebhookSourceView[]> {
    const rows: (WebhookSourceRow & { broker_name: string })[] = await deps
      .db('webhook_sources as s')
      .join('brokers as b', 'b.id', 's.broker_id')
      .where('s.user_id', currentUser(res).id)
      .modify((q) => {
        if (id !== undefined) q.where('s.id', id);
      })
      .orderBy('s.id')
      .select('s.*', 'b.name as broker_name');
    return rows.map((row) =>
      sourceView(
        row,
        row.broker_name,
        baseUrlOf(deps, req),
        openToken(row.token_encrypted, secret, Number(row.user_id)),
      ),
    );
  }

  async function viewOf(req: Request, res: Response, id: number): Promise<WebhookSourceView> {
    const [view] = await viewsOf(req, res, id);
    if (!view) throw new NotFoundError(NOT_FOUND);
    return view;
  }

  /** The broker named in a body, the user's own; the default broker when none is named on a create. */
  async function brokerOf(res: Response, id: number | undefined): Promise<Broker> {
    const chosen = id ?? currentUser(res).default_broker_id;
    if (!chosen) throw new ValidationError('Broker : obligatoire', 'brokerId');
    const broker = await tenant(res).query(Broker).findById(chosen);
    if (!broker) throw new ValidationError('Broker : introuvable', 'brokerId', 'NOT_FOUND');
    return broker;
  }

  router.get('/', async (req, res) => {
    res.json(await viewsOf(req, res));
  });

  router.post('/', async (req, res) => {
    const data = parse(sourceCreateSchema, req.body, LABELS);
    const userId = currentUser(res).id;
    const broker = await brokerOf(res, data.brokerId);
    const token = newToken();
    const [row] = await deps
      .db('webhook_sources')
      .insert({
        ...columnsOf({ ...data, brokerId: broker.id }, userId, secret),
        user_id: userId,
        token_hash: tokenHash(token),
        token_encrypted: sealToken(token, secret, userId),
      })
      .returning('id');
    res.status(201).json(await viewOf(req, res, Number(row.id)));
  });

  router.get('/:id', async (req, res) => {
    res.json(await viewOf(req, res, idOf(req.params.id)));
  });

  router.put('/:id', async (req, res) => {
    const id = idOf(req.params.id);
    const data = parse(sourceUpdateSchema, req.body, LABELS);
    await rowOf(res, id);
    if (data.brokerId !== undefined) await brokerOf(res, data.brokerId);
    const columns = columnsOf(data, currentUser(res).id, secret);
    if (Object.keys(columns).length) {
      await deps
        .db('webhook_sources')
        .where({ id, user_id: currentUser(res).id })
        .update({ ...columns, updated_at: new Date() });
    }
    res.json(await viewOf(req, res, id));
  });

  router.delete('/:id', async (req, res) => {
    const id = idOf(req.params.id);
    await rowOf(res, id);
    // A position is closed by its source's signals and watched with its source's levels: without the source it would
    // be held unprotected, and no signal could close it.
    const open: { symbol: string; quantity: string } | undefined = await deps
      .db('positions')
      .where({ webhook_source_id: id, status: 'open' })
      .first('symbol', 'quantity');
    if (open) {
      throw new ConflictError(
        `Supprimer : la source a une position ouverte sur ${open.symbol} (${Dec(open.quantity).toFixed()}). ` +
          'Envoyez-lui un signal close d’abord, ou désactivez-la : ses stop-loss et take-profit restent suivis.',
        undefined,
        'POSITION_OPEN',
      );
    }
    // The webhooks received stay in the log, their source shown as deleted.
    await deps
      .db('webhook_sources')
      .where({ id, user_id: currentUser(res).id })
      .delete();
    res.status(204).end();
  });

  /** A new token: the old URL answers 404 from now on. */
  router.post('/:id/token', async (req, res) => {
    const id = idOf(req.params.id);
    await rowOf(res, id);
    const userId = currentUser(res).id;
    const token = newToken();
    await deps
      .db('webhook_sources')
      .where({ id, user_id: userId })
      .update({
        token_hash: tokenHash(token),
        token_encrypted: sealToken(token, secret, userId),
        updated_at: new Date(),
      });
    res.json(await viewOf(req, res, id));
  });

  /**
   * « Envoyer un test »: the source's own sample signal, taken in as the endpoint takes a request and ordered like
   * one. The owner is signed in, so the passphrase and the IP allowlist, which stand in for that, are not asked.
   */
  router.post('/:id/test', async (req, res) => {
    const row = await rowOf(res, idOf(req.params.id));
    if (!row.active)
      throw new ValidationError('Active : la source est désactivée, activez-la pour la tester', 'active');
    const body = JSON.stringify({
      action: 'buy',
      ...(row.symbol ? { symbol: row.symbol } : {}),
      id: `test-${Date.now()}`,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });
    const outcome = await acceptWebhook(
      intakeDeps(deps),
      row,
      body,
      { ip: req.ip ?? null, headers: { 'x-aristobot-test': '1' } },
      true,
    );
    res.json({ webhookId: outcome.id, status: outcome.status, reason: outcome.reason } satisfies WebhookTestResult);
  });

  return router;
}
