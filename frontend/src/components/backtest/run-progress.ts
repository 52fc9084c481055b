import type { BacktestSummary } from '@/api/strategies';

/** One progress bar of a run: how far, and what to say beside it. */
export interface Bar {
  percent: number;
  state: 'waiting' | 'active' | 'done' | 'cancelled' | 'failed';
}

/**
 * The two bars of a run (candles, then simulation). A run stopped or failed says so on the phase it stopped in; the
 * phase it never reached stays empty (a download cancelled at 40 % is not shown complete).
 */
export function progressBars(run: Pick<BacktestSummary, 'status' | 'progress' | 'stoppedPhase'>): {
  loading: Bar;
  running: Bar;
} {
  const waiting: Bar = { percent: 0, state: 'waiting' };
  const done: Bar = { percent: 100, state: 'done' };
  switch (run.status) {
    case 'queued':
      return { loading: waiting, running: waiting };
    case 'loading':
      return { loading: { percent: run.progress, state: 'active' }, running: waiting };
    case 'running':
      return { loading: done, running: { percent: run.progress, state: 'active' } };
    case 'completed':
      return { loading: done, running: done };
    case 'cancelled':
    case 'failed': {
      const stopped: Bar = { percent: run.progress, state: run.status };
      if (run.stoppedPhase === 'running') return { loading: done, running: stopped };
      return { loading: run.stoppedPhase === 'loading' ? stopped : { ...stopped, percent: 0 }, running: waiting };
    }
  }
}
