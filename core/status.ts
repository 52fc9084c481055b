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

/** The status bar's "Stratégies live": how many of the user's activations run now, and how many errors suspended. */
export interface LiveStrategiesState {
  /** Active and within their date range. */
  running: number;
  /** Suspended after errors in a row: the status bar warns until the user resumes or stops them. */
  suspendedByErrors: number;
}

export async function liveStrategiesState(db: Knex, userId: number): Promise<LiveStrategiesState> {
  const now = new Date();
  const row = await db('active_strategies')
    .where({ user_id: userId })
    .first(
      db.raw(`count(*) filter (where state = 'active' and start_date <= ? and end_date >= ?)::int as running`, [
        now,
        now,
      ]),
      db.raw(`count(*) filter (where state = 'suspended' and suspended_by = 'errors')::int as suspended_by_errors`),
    );
  return { running: row?.running ?? 0, suspendedByErrors: row?.suspended_by_errors ?? 0 };
}

export async function usesTestnet(db: Knex, userId: number): Promise<boolean> {
  const row = await db('brokers').where({ user_id: userId, is_active: true, is_testnet: true }).first('id');
  return Boolean(row);
}

export async function debugModeActive(db: Knex): Promise<boolean> {
  const row = await db('debug_mode').where({ id: 1 }).first('is_active');
  return Boolean(row?.is_active);
}
