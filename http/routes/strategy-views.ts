import type { Strategy } from '../../core/db/models';

/** A strategy as the API shows it; the web app reads its type from here. */
export function strategyView(s: Strategy) {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    timeframe: s.timeframe,
    code: s.code,
    createdAt: new Date(s.created_at).toISOString(),
    updatedAt: new Date(s.updated_at).toISOString(),
  };
}
export type StrategyView = ReturnType<typeof strategyView>;
