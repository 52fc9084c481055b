import { Router } from 'express';
import type { User } from '../../core/db/models';
import { aliveProcesses } from '../../core/liveness';
import { debugModeActive, heartbeatState, liveStrategiesState, marketsState, usesTestnet } from '../../core/status';
import type { AppDeps } from '../context';
import { currentUser, requireUser } from '../auth.middleware';
import type { AppStatus } from './status-views';

/**
 * How long a dependency took to answer. Its error is logged, never answered: the endpoint is open to anyone, and a
 * driver's message names hosts, ports and users.
 */
async function timed(
  name: string,
  logger: AppDeps['logger'],
  check: () => Promise<unknown>,
): Promise<{ ok: boolean; latencyMs: number }> {
  const started = performance.now();
  try {
    await check();
    return { ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (error) {
    logger.warn({ err: error }, `health: ${name} unreachable`);
    return { ok: false, latencyMs: Math.round(performance.now() - started) };
  }
}

/** /api/health for operators and probes; /api/status for the header status bar. */
export function systemRoutes(deps: AppDeps): Router {
  const router = Router();
  const prefix = deps.config.QUEUE_PREFIX;

  router.get('/health', async (_req, res) => {
    const [database, redis] = await Promise.all([
      timed('database', deps.logger, () => deps.db.raw('select 1')),
      timed('redis', deps.logger, () => deps.redis.ping()),
    ]);
    const [heartbeat, workers] = redis.ok
      ? await Promise.all([
          aliveProcesses(deps.redis, prefix, 'heartbeat'),
          aliveProcesses(deps.redis, prefix, 'worker'),
        ])
      : [[], []];
    const ok = database.ok && redis.ok;
    res.status(ok ? 200 : 503).json({
      status: ok ? (workers.length ? 'ok' : 'degraded') : 'down',
      database,
      redis,
      heartbeat: {
        alive: heartbeat.length > 0,
        lastSeen:
          heartbeat
            .map((h) => h.seenAt)
            .sort()
            .pop() ?? null,
      },
      workers: {
        alive: workers.length,
        // Host names and pids for admins (the operators); a probe needs only the count.
        ...((res.locals.user as User | undefined)?.is_admin
          ? { processes: workers.map((w) => ({ host: w.host, pid: w.pid, seenAt: w.seenAt })) }
          : {}),
      },
    });
  });

  router.get('/status', requireUser, async (_req, res) => {
    const user = currentUser(res);
    const [heartbeat, markets, liveStrategies, testnet, debug] = await Promise.all([
      heartbeatState(deps.db, deps.redis, prefix),
      marketsState(deps.db),
      liveStrategiesState(deps.db, user.id),
      usesTestnet(deps.db, user.id),
      debugModeActive(deps.db),
    ]);
    res.json({
      heartbeat,
      markets,
      liveStrategies,
      testnet,
      debugActive: deps.config.DEBUG_ARISTOBOT && debug,
    } satisfies AppStatus);
  });

  return router;
}
