import { Router } from 'express';
import { requestMarkets } from '../../actors/markets/markets.actor';
import type { BalanceLine } from '../../core/brokers/paper-account';
import { fundPaperAccount } from '../../core/brokers/paper-account';
import {
  credentialsHint,
  decryptCredentials,
  encryptCredentials,
  type Credentials,
} from '../../core/crypto/credentials';
import { isUniqueViolation } from '../../core/db/errors';
import { Broker } from '../../core/db/models';
import { ConflictError, ValidationError } from '../../core/errors';
import { exchangeCatalog, findExchange, PAPER } from '../../core/exchanges/catalog';
import { CREDENTIAL_LABELS } from '../../core/exchanges/credential-labels';
import { marketsExchangeOf } from '../../core/exchanges/markets';
import { parse } from '../../core/validation';
import type { AppDeps } from '../context';
import { refuseAccountChange, refuseWhileOpen } from '../../core/live/activations';
import { currentUser, requireUser, tenant } from '../auth.middleware';
import { idParam } from '../params';
import { brokerCreateSchema, brokerUpdateSchema } from './broker-fields';
import {
  brokerView,
  type BrokerBalance,
  type BrokerSaved,
  type ExchangeChoice,
  type MarketsReload,
} from './broker-views';

const NOT_FOUND = 'Broker introuvable';
const MAX_BROKERS_PER_USER = 20;
const LABELS: Record<string, string> = {
  name: 'Nom',
  exchange: 'Exchange',
  credentials: 'Clés API',
  isTestnet: 'Testnet',
  isDefault: 'Broker par défaut',
  isActive: 'Actif',
};

/** Only the fields the exchange requires, all filled; the testnet switch only where a sandbox exists. */
function checkExchangeInput(exchangeId: string, credentials: Credentials | undefined, isTestnet: boolean | undefined) {
  const exchange = findExchange(exchangeId);
  if (!exchange) throw new ValidationError(`Exchange : inconnu (${exchangeId})`, 'exchange');
  if (credentials) {
    for (const field of exchange.requiredCredentials) {
      if (!credentials[field]) {
        throw new ValidationError(
          `${CREDENTIAL_LABELS[field] ?? field} : obligatoire pour ${exchange.name}`,
          `credentials.${field}`,
        );
      }
    }
    for (const field of Object.keys(credentials)) {
      if (!exchange.requiredCredentials.includes(field)) {
        throw new ValidationError(
          `${CREDENTIAL_LABELS[field] ?? field} : inutile pour ${exchange.name}`,
          `credentials.${field}`,
        );
      }
    }
  }
  if (isTestnet && !exchange.sandbox) {
    throw new ValidationError(`Testnet : ${exchange.name} n'a pas de testnet`, 'isTestnet');
  }
  return exchange;
}

async function uniqueName<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error))
      throw new ConflictError('Nom : un broker porte déjà ce nom', 'name', 'BROKER_NAME_TAKEN');
    throw error;
  }
}

/** `GET /api/exchanges`: what a broker can be opened on. */
export function exchangesRoutes(): Router {
  const router = Router();
  router.use(requireUser);
  router.get('/', (_req, res) => {
    res.json(
      exchangeCatalog().map(({ id, name, requiredCredentials, sandbox }): ExchangeChoice => ({
        id,
        name,
        requiredCredentials,
        sandbox,
      })),
    );
  });
  return router;
}

/**
 * The user's exchange accounts. Credentials are encrypted before they are written and never sent back (a masked hint
 * is); a new account or new credentials are tested through the broker actor, and kept only if the exchange accepts
 * them.
 */
export function brokersRoutes(deps: AppDeps): Router {
  const router = Router();
  const balance = (brokerId: number) => deps.brokerRequests!.call('balance', { brokerId });

  /** Makes `brokerId` the user's only default broker. */
  async function makeDefault(userId: number, brokerId: number): Promise<void> {
    await deps.db.transaction(async (trx) => {
      await trx('brokers')
        .where({ user_id: userId, is_default: true })
        .whereNot({ id: brokerId })
        .update({ is_default: false });
      await trx('brokers').where({ user_id: userId, id: brokerId }).update({ is_default: true });
      await trx('users').where({ id: userId }).update({ default_broker_id: brokerId });
    });
  }

  router.get('/', async (_req, res) => {
    const rows = await tenant(res).query(Broker).orderBy('name');
    res.json(rows.map(brokerView));
  });

  router.post('/', async (req, res) => {
    const data = parse(brokerCreateSchema, req.body, LABELS);
    const exchange = checkExchangeInput(data.exchange, data.credentials, data.isTestnet);
    const user = currentUser(res);
    // Each broker costs a worker and Redis connections in every process: a bound per user keeps that finite.
    const owned = await deps.db('brokers').where({ user_id: user.id }).count({ n: '*' }).first();
    if (Number(owned?.n) >= MAX_BROKERS_PER_USER) {
      throw new ConflictError(
        `Brokers : ${MAX_BROKERS_PER_USER} au plus par utilisateur, supprimez-en un d'abord`,
        undefined,
        'BROKER_LIMIT_REACHED',
      );
    }
    const hasCredentials = exchange.id !== PAPER;
    const row = await uniqueName(() =>
      tenant(res).insert(Broker, {
        name: data.name,
        exchange: exchange.id,
        credentials_enc: hasCredentials ? encryptCredentials(data.credentials, deps.config.SECRET_KEY, user.id) : null,
        credentials_hint: hasCredentials ? credentialsHint(data.credentials) : null,
        is_testnet: data.isTestnet,
        is_active: data.isActive,
        is_default: false,
      }),
    );
    if (exchange.id === PAPER) await fundPaperAccount(deps.db, row.id, deps.config.PAPER_STARTING_BALANCE_USDT);
    let lines: BalanceLine[];
    try {
      lines = await balance(row.id);
    } catch (error) {
      // Refused by the exchange: nothing is kept.
      await tenant(res).remove(Broker, row.id, NOT_FOUND);
      await deps.brokerRequests!.forget(row.id);
      throw error;
    }
    await tenant(res).update(Broker, row.id, { validated_at: new Date() }, NOT_FOUND);
    if (data.isDefault) await makeDefault(user.id, row.id);
    res.status(201).json({
      broker: brokerView(await tenant(res).find(Broker, row.id, NOT_FOUND)),
      balance: lines,
    } satisfies BrokerSaved);
  });

  router.get('/:id', async (req, res) => {
    res.json(brokerView(await tenant(res).find(Broker, idParam(req.params.id, NOT_FOUND), NOT_FOUND)));
  });

  router.put('/:id', async (req, res) => {
    const id = idParam(req.params.id, NOT_FOUND);
    const data = parse(brokerUpdateSchema, req.body, LABELS);
    const current = await tenant(res).find(Broker, id, NOT_FOUND);
    const user = currentUser(res);
    // A field left empty keeps its stored value: changing the secret alone needs no API key typed again.
    const typed = data.credentials
      ? Object.fromEntries(Object.entries(data.credentials).filter(([, v]) => v))
      : undefined;
    const credentials =
      current.exchange === PAPER || !typed || Object.keys(typed).length === 0
        ? undefined
        : {
            ...(current.credentials_enc
              ? decryptCredentials(current.credentials_enc, deps.config.SECRET_KEY, user.id)
              : {}),
            ...typed,
          };
    checkExchangeInput(current.exchange, credentials, data.isTestnet);
    await refuseAccountChange(deps.db, user.id, id, {
      credentials: credentials !== undefined,
      network: data.isTestnet !== undefined && data.isTestnet !== current.is_testnet,
      deactivate: data.isActive === false && current.is_active,
    });
    const patch: Partial<Broker> = {};
    if (data.name !== undefined) patch.name = data.name;
    if (data.isActive !== undefined) patch.is_active = data.isActive;
    if (data.isTestnet !== undefined) patch.is_testnet = data.isTestnet;
    if (credentials) {
      patch.credentials_enc = encryptCredentials(credentials, deps.config.SECRET_KEY, user.id);
      patch.credentials_hint = credentialsHint(credentials);
    }
    await uniqueName(() => tenant(res).update(Broker, id, { ...patch, updated_at: new Date() }, NOT_FOUND));
    let lines: BalanceLine[] | undefined;
    if (credentials || data.isTestnet !== undefined) {
      try {
        lines = await balance(id);
      } catch (error) {
        // New credentials the exchange refuses are not kept: the previous ones come back.
        await tenant(res).update(
          Broker,
          id,
          {
            credentials_enc: current.credentials_enc,
            credentials_hint: current.credentials_hint,
            is_testnet: current.is_testnet,
            updated_at: new Date(),
          },
          NOT_FOUND,
        );
        throw error;
      }
      await tenant(res).update(Broker, id, { validated_at: new Date() }, NOT_FOUND);
    }
    if (data.isDefault) await makeDefault(user.id, id);
    res.json({
      broker: brokerView(await tenant(res).find(Broker, id, NOT_FOUND)),
      ...(lines ? { balance: lines } : {}),
    } satisfies BrokerSaved);
  });

  router.delete('/:id', async (req, res) => {
    const id = idParam(req.params.id, NOT_FOUND);
    await refuseWhileOpen(deps.db, currentUser(res).id, 'broker_id', id);
    await tenant(res).remove(Broker, id, NOT_FOUND);
    await deps.brokerRequests!.forget(id);
    res.status(204).end();
  });

  router.post('/:id/test', async (req, res) => {
    const broker = await tenant(res).find(Broker, idParam(req.params.id, NOT_FOUND), NOT_FOUND);
    const lines = await balance(broker.id);
    await tenant(res).update(Broker, broker.id, { validated_at: new Date() }, NOT_FOUND);
    res.json({ balance: lines } satisfies BrokerBalance);
  });

  router.post('/:id/markets', async (req, res) => {
    const broker = await tenant(res).find(Broker, idParam(req.params.id, NOT_FOUND), NOT_FOUND);
    const exchange = marketsExchangeOf(broker.exchange, deps.config.PAPER_PRICE_SOURCE);
    const jobId = await requestMarkets(deps.marketsQueue!, exchange);
    res.status(202).json({ exchange, jobId } satisfies MarketsReload);
  });

  return router;
}
