import type { Knex } from 'knex';

/** The status bar reads this kind: an open one means the stored candles have a hole we could not fill. */
export const INCOHERENT = 'heartbeat_incoherent';

/** Opens a system alert unless one of the same kind is already open for this symbol. */
export async function raiseAlert(
  db: Knex,
  kind: string,
  symbol: string,
  message: string,
  details: Record<string, unknown> = {},
): Promise<boolean> {
  const open = await db('alerts')
    .whereNull('user_id')
    .where({ kind })
    .whereNull('resolved_at')
    .whereRaw(`details->>'symbol' = ?`, [symbol])
    .first('id');
  if (open) return false;
  await db('alerts').insert({ kind, severity: 'critical', message, details: { symbol, ...details } });
  return true;
}

/** Closes the open alerts of this kind for the symbol; returns how many. */
export async function resolveAlerts(db: Knex, kind: string, symbol: string): Promise<number> {
  return db('alerts')
    .whereNull('user_id')
    .where({ kind })
    .whereNull('resolved_at')
    .whereRaw(`details->>'symbol' = ?`, [symbol])
    .update({ resolved_at: new Date() });
}

/** The span [from, to] (epoch ms) that the open alerts of this kind for the symbol say is damaged. */
export async function openAlertSpan(
  db: Knex,
  kind: string,
  symbol: string,
): Promise<{ from: number; to: number } | undefined> {
  const rows: { details: { from?: string; to?: string } | null }[] = await db('alerts')
    .whereNull('user_id')
    .where({ kind })
    .whereNull('resolved_at')
    .whereRaw(`details->>'symbol' = ?`, [symbol])
    .select('details');
  const spans = rows.map((r) => ({ from: Date.parse(r.details?.from ?? ''), to: Date.parse(r.details?.to ?? '') }));
  const valid = spans.filter((s) => Number.isFinite(s.from) && Number.isFinite(s.to));
  if (valid.length === 0) return undefined;
  return { from: Math.min(...valid.map((s) => s.from)), to: Math.max(...valid.map((s) => s.to)) };
}
