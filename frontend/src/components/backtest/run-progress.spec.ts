import { describe, expect, it } from 'vitest';
import { progressBars } from './run-progress';

describe('a run’s progress bars', () => {
  it('follows the phases', () => {
    expect(progressBars({ status: 'loading', progress: 40, stoppedPhase: null })).toEqual({
      loading: { percent: 40, state: 'active' },
      running: { percent: 0, state: 'waiting' },
    });
    expect(progressBars({ status: 'running', progress: 10, stoppedPhase: null }).loading).toEqual({
      percent: 100,
      state: 'done',
    });
    expect(progressBars({ status: 'completed', progress: 100, stoppedPhase: null }).running.state).toBe('done');
  });

  it('shows a download cancelled where it stopped, not complete', () => {
    expect(progressBars({ status: 'cancelled', progress: 40, stoppedPhase: 'loading' })).toEqual({
      loading: { percent: 40, state: 'cancelled' },
      running: { percent: 0, state: 'waiting' },
    });
  });

  it('marks the simulation that failed, and a run that failed before any phase', () => {
    expect(progressBars({ status: 'failed', progress: 63, stoppedPhase: 'running' })).toEqual({
      loading: { percent: 100, state: 'done' },
      running: { percent: 63, state: 'failed' },
    });
    expect(progressBars({ status: 'failed', progress: 0, stoppedPhase: null }).loading).toEqual({
      percent: 0,
      state: 'failed',
    });
  });
});
