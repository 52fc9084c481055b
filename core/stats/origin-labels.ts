import type { Knex } from 'knex';

export interface OriginLabel {
  kind: 'manual' | 'strategy' | 'webhook';
  /** The activation's or the webhook source's id; null for manual trades and for a deleted one. */
  id: number | null;
  /** What the page shows: the strategy with its pair and timeframe, the source's name, or « Trading manuel ». */
  label: string;
  /** The activation or source no longer exists (its trades are kept and counted). */
  deleted: boolean;
}

/**
 * Names for the origins of a user's round trips, read from their own activations and webhook sources only: an id
 * that is not theirs (it cannot be, the trades are theirs) would read as deleted.
 */
export async function originLabels(db: Knex, userId: number, origins: string[]): Promise<Map<string, OriginLabel>> {
  const ids = (kind: string) =>
    origins
      .filter((o) => o.startsWith(`${kind}:`))
      .map((o) => Number(o.slice(kind.length + 1)))
      .filter(Number.isFinite);
  const [activations, sources] = await Promise.all([
    db('active_strategies as a')
      .join('strategies as s', 's.id', 'a.strategy_id')
      .where('a.user_id', userId)
      .whereIn('a.id', ids('strategy'))
      .select('a.id', 's.name', 'a.symbol', 'a.timeframe'),
    db('webhook_sources').where('user_id', userId).whereIn('id', ids('webhook')).select('id', 'name'),
  ]);
  const strategyNames = new Map(
    activations.map((a: { id: string; name: string; symbol: string; timeframe: string }) => [
      Number(a.id),
      `${a.name} · ${a.symbol} ${a.timeframe}`,
    ]),
  );
  const sourceNames = new Map(sources.map((s: { id: string; name: string }) => [Number(s.id), s.name]));
  const labels = new Map<string, OriginLabel>();
  for (const origin of origins) {
    if (origin === 'manual') {
      labels.set(origin, { kind: 'manual', id: null, label: 'Trading manuel', deleted: false });
      continue;
    }
    const [kind, raw] = origin.split(':') as ['strategy' | 'webhook', string];
    const id = Number(raw);
    const name = Number.isFinite(id) ? (kind === 'strategy' ? strategyNames : sourceNames).get(id) : undefined;
    const fallback = kind === 'strategy' ? 'Stratégie supprimée' : 'Source supprimée';
    labels.set(origin, {
      kind,
      id: name === undefined ? null : id,
      label: name ?? (Number.isFinite(id) ? `${fallback} (n° ${id})` : fallback),
      deleted: name === undefined,
    });
  }
  return labels;
}
