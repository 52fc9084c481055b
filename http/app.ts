import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Express, type RequestHandler, type Router } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { UI_DIST } from '../core/paths';
import { SandboxPool } from '../core/sandbox/sandbox-pool';
import { openQueue } from '../queues/connection';
import { QUEUES } from '../queues/names';
import type { AppDeps } from './context';
import { bullBoard, BULL_BOARD_PATH } from './admin/bull-board';
import { loadUser, requireUser } from './auth.middleware';
import { errorHandler, notFoundHandler } from './error-handler';
import { inputGuard } from './input-guard';
import { hostCheck } from './host-check';
import { currentRequestId, genReqId, requestScope } from './request-id';
import { authRoutes } from './routes/auth.routes';
import { BrokerRequests } from '../queues/broker-client';
import { brokersRoutes, exchangesRoutes } from './routes/brokers.routes';
import { debugRoutes } from './routes/debug.routes';
import { heartbeatRoutes } from './routes/heartbeat.routes';
import { marketsRoutes, symbolsRoutes } from './routes/markets.routes';
import { tradesRoutes, tradingRoutes } from './routes/trading.routes';
import { strategiesRoutes } from './routes/strategies.routes';
import { backtestsRoutes } from './routes/backtests.routes';
import { sweepsRoutes } from './routes/sweeps.routes';
import { candlesRoutes } from './routes/candles.routes';
import { aiRoutes } from './routes/ai.routes';
import { activeStrategiesRoutes } from './routes/active-strategies.routes';
import { positionsRoutes } from './routes/positions.routes';
import { webhookSourcesRoutes } from './routes/webhook-sources.routes';
import { statsRoutes } from './routes/stats.routes';
import { webhooksRoutes } from './routes/webhooks.routes';
import { webhookEndpoint } from './webhooks/endpoint';
import { intakeDeps } from './webhooks/intake';
import { systemRoutes } from './routes/system.routes';
import { csrfProtection } from './security';
import { sessionMiddleware } from './session';

/**
 * Every API area and whose data it serves. `user` areas read and write user-owned rows: each of their `/:id` routes
 * must be covered by the tenant-isolation test (test/integration/tenancy.test.ts checks this table).
 */
export function apiAreas(deps: AppDeps): { path: string; router: Router; data: 'user' | 'account' | 'system' }[] {
  return [
    { path: '/api/auth', router: authRoutes(deps), data: 'account' },
    { path: '/api/debug', router: debugRoutes(deps), data: 'system' },
    { path: '/api', router: systemRoutes(deps), data: 'system' },
    { path: '/api/heartbeat', router: heartbeatRoutes(deps), data: 'system' },
    { path: '/api/strategies', router: strategiesRoutes(deps), data: 'user' },
    { path: '/api/backtests', router: backtestsRoutes(deps), data: 'user' },
    { path: '/api/sweeps', router: sweepsRoutes(deps), data: 'user' },
    { path: '/api/ai', router: aiRoutes(deps), data: 'user' },
    { path: '/api/candles', router: candlesRoutes(deps), data: 'system' },
    { path: '/api/exchanges', router: exchangesRoutes(), data: 'system' },
    { path: '/api/brokers', router: brokersRoutes(deps), data: 'user' },
    { path: '/api/markets', router: marketsRoutes(deps), data: 'system' },
    { path: '/api/symbols', router: symbolsRoutes(deps), data: 'system' },
    { path: '/api/trading', router: tradingRoutes(deps), data: 'user' },
    { path: '/api/trades', router: tradesRoutes(deps), data: 'user' },
    { path: '/api/active-strategies', router: activeStrategiesRoutes(deps), data: 'user' },
    { path: '/api/positions', router: positionsRoutes(deps), data: 'user' },
    { path: '/api/webhook-sources', router: webhookSourcesRoutes(deps), data: 'user' },
    { path: '/api/webhooks', router: webhooksRoutes(deps), data: 'user' },
    { path: '/api/stats', router: statsRoutes(deps), data: 'user' },
  ];
}

export interface WebApp {
  app: Express;
  session: RequestHandler;
  close(): Promise<void>;
}

/** The Express app: API, Bull Board and the built UI. Building it opens no port. */
export function createApp(given: AppDeps): WebApp {
  const brokerRequests =
    given.brokerRequests ??
    new BrokerRequests(
      given.redis,
      given.config.REDIS_URL,
      given.config.QUEUE_PREFIX,
      given.config.BROKER_REPLY_TIMEOUT_MS,
      currentRequestId,
    );
  const marketsQueue =
    given.marketsQueue ?? openQueue(QUEUES.markets, given.config.REDIS_URL, given.config.QUEUE_PREFIX);
  const backtestQueue =
    given.backtestQueue ?? openQueue(QUEUES.backtest, given.config.REDIS_URL, given.config.QUEUE_PREFIX);
  const sweepQueue = given.sweepQueue ?? openQueue(QUEUES.sweep, given.config.REDIS_URL, given.config.QUEUE_PREFIX);
  const strategyQueue =
    given.strategyQueue ?? openQueue(QUEUES.strategy, given.config.REDIS_URL, given.config.QUEUE_PREFIX);
  const webhookQueue =
    given.webhookQueue ?? openQueue(QUEUES.webhook, given.config.REDIS_URL, given.config.QUEUE_PREFIX);
  const sandbox = given.sandbox ?? new SandboxPool({ size: given.config.SANDBOX_THREADS, logger: given.logger });
  const deps: AppDeps = {
    ...given,
    brokerRequests,
    marketsQueue,
    backtestQueue,
    sweepQueue,
    strategyQueue,
    webhookQueue,
    sandbox,
  };
  const app = express();
  // X-Forwarded-For is believed only behind a reverse proxy on this machine; otherwise anyone could pick their IP.
  app.set('trust proxy', deps.config.TRUST_PROXY ? 'loopback' : false);
  app.disable('x-powered-by');
  const sessions = sessionMiddleware(deps.config, deps.db, (ids) => deps.publisher.endSessions(ids));
  const session = sessions.middleware;
  const board = bullBoard(deps.config.REDIS_URL, deps.config.QUEUE_PREFIX);

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // Bull Board's UI uses inline styles; the app itself loads nothing from elsewhere.
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
          'upgrade-insecure-requests': null,
        },
      },
    }),
  );
  app.use(pinoHttp({ logger: deps.logger, genReqId, autoLogging: { ignore: (req) => req.url === '/api/health' } }));
  // TradingView's door needs none of what follows: no cookie, no CSRF token, the public name as its Host.
  app.use('/webhooks', webhookEndpoint(intakeDeps(deps), deps.config.WEBHOOK_RATE_PER_MINUTE));
  app.use(hostCheck(deps.config));
  const smallJson = express.json({ limit: '1mb' });
  // The candle import reads its body itself, a piece at a time: a year of 1m candles is tens of megabytes.
  app.use((req, res, next) => (req.path === '/api/candles/import' ? next() : smallJson(req, res, next)));
  app.use(inputGuard);
  app.use(session);
  app.use(loadUser);
  app.use(csrfProtection(deps.config, [BULL_BOARD_PATH]));
  app.use(requestScope);

  for (const area of apiAreas(deps)) {
    app.use(area.path, ...(area.data === 'user' ? [requireUser] : []), area.router);
  }
  app.use(BULL_BOARD_PATH, board.router);
  app.use('/api', notFoundHandler);

  if (existsSync(UI_DIST)) {
    app.use(express.static(UI_DIST, { index: false, maxAge: '1h' }));
    // The single-page app answers every other GET (vue-router's history mode).
    app.get(/^(?!\/api\/|\/admin\/|\/socket\.io\/|\/webhooks\/).*/, (_req, res) => {
      res.sendFile(path.join(UI_DIST, 'index.html'));
    });
  }
  app.use(notFoundHandler);
  app.use(errorHandler);

  return {
    app,
    session,
    close: async () => {
      await Promise.all(board.queues.map((q) => q.close()));
      await brokerRequests.close();
      await marketsQueue.close();
      await backtestQueue.close();
      await sweepQueue.close();
      await strategyQueue.close();
      await webhookQueue.close();
      if (!given.sandbox) await sandbox.close();
      await sessions.close();
    },
  };
}
