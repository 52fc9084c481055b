import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import { Router } from 'express';
import { openQueue } from '../../queues/connection';
import { QUEUES } from '../../queues/names';
import { requireAdmin, requireUser } from '../auth.middleware';

export const BULL_BOARD_PATH = '/admin/queues';

/**
 * Bull Board behind our own guard: anonymous → 401, signed-in non-admin → 403. Job payloads carry ids, never
 * secrets, so what it shows is safe for an admin to see.
 */
export function bullBoard(redisUrl: string, prefix: string): { router: Router; queues: Queue[] } {
  const queues = Object.values(QUEUES).map((name) => openQueue(name, redisUrl, prefix));
  const adapter = new ExpressAdapter();
  adapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter: adapter });
  const router = Router();
  router.use(requireUser, requireAdmin, adapter.getRouter());
  return { router, queues };
}
