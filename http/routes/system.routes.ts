import { Router } from 'express';
import { aliveProcesses } from '../../core/liveness';
import { debugModeActive, heartbeatState, liveStrategiesState, marketsState, usesTestnet } from '../../core/status';
import type { AppDeps } from '../context';
import { currentUser, requireUser } from '../auth.middleware';
import type { AppStatus } from './status-views';

async function timed<T>(check: () => Promise<T>): Promise<{ ok: boolean; latencyMs: number; error?: string }> {
  const started = performance.now();
  try {
    await check();
    return { ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (error) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: (error as Error).message };
  }
}

/** /api/health for operators and probes; /api/status for the header status bar. */
export function systemRoutes(deps: AppDeps): Router {
  const router = Router();
  const prefix = deps.config.QUEUE_PREFIX;

  router.get('/health', async (_req, res) => {
    const [database, redis] = await Promise.all([timed(() => deps.db.raw('select 1')), timed(() => deps.redis.ping())]);
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
        processes: workers.map((w) => ({ host: w.host, pid: w.pid, seenAt: w.seenAt })),
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
