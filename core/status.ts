import type { Knex } from 'knex';
import { aliveProcesses } from './liveness';
import type { Redis } from './redis';

export interface HeartbeatState {
  /** The heartbeat process is running and connected to the feed. */
  active: boolean;
  /** No unrepaired gap in the candles (an open `heartbeat_incoherent` alert says otherwise). */
  coherent: boolean;
  processAlive: boolean;
  connected: boolean;
  lastSeen: string | null;
}

export async function heartbeatState(db: Knex, redis: Redis, prefix: string): Promise<HeartbeatState> {
  const [alive, latest, openAlert] = await Promise.all([
    aliveProcesses(redis, prefix, 'heartbeat'),
    // With a standby, the newest row may be the idle one: the leader's row is the connected one.
    db('heartbeat_status').where({ is_connected: true }).whereNull('last_application_stop').first('is_connected'),
    db('alerts').where({ kind: 'heartbeat_incoherent' }).whereNull('resolved_at').first('id'),
  ]);
  const lastSeen =
    alive
      .map((r) => r.seenAt)
      .sort()
      .pop() ?? null;
  const connected = Boolean(latest?.is_connected) && alive.length > 0;
  return { active: connected, coherent: !openAlert, processAlive: alive.length > 0, connected, lastSeen };
}

export interface MarketsState {
  /** Markets stored in exchange_symbols, all exchanges together. */
  count: number;
  exchanges: number;
}

export async function marketsState(db: Knex): Promise<MarketsState> {
  const row = await db('exchange_symbols').first(
    db.raw('count(*)::int as count'),
    db.raw('count(distinct exchange)::int as exchanges'),
  );
  return { count: row?.count ?? 0, exchanges: row?.exchanges ?? 0 };
}

/** Strategies of this user running now: active, not suspended, within their date range. */
export async function liveStrategiesCount(db: Knex, userId: number): Promise<number> {
  const now = new Date();
  const row = await db('active_strategies')
    .where({ user_id: userId, is_active: true })
    .where('start_date', '<=', now)
    .where('end_date', '>=', now)
    .first(db.raw('count(*)::int as count'));
  return row?.count ?? 0;
}

export async function usesTestnet(db: Knex, userId: number): Promise<boolean> {
  const row = await db('brokers').where({ user_id: userId, is_active: true, is_testnet: true }).first('id');
  return Boolean(row);
}

export async function debugModeActive(db: Knex): Promise<boolean> {
  const row = await db('debug_mode').where({ id: 1 }).first('is_active');
  return Boolean(row?.is_active);
}
