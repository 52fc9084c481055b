import type { z } from 'zod';
import type { sweepSchema } from '@http/routes/sweep-fields';

export type { RankBy } from '@core/sweeps/ranking';
export type {
  RunFigures,
  SweepDetailView as SweepDetail,
  SweepQueued,
  SweepRunView as SweepRun,
  SweepSummaryView as SweepSummary,
} from '@http/routes/sweep-views';

/** What POST /api/sweeps takes. */
export type SweepRequest = z.input<typeof sweepSchema>;
