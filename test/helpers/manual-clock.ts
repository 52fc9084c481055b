import type { Clock } from '../../core/clock';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/** A clock that moves only when told to, running the timers that fall due in order. */
export class ManualClock implements Clock {
  private timers: Timer[] = [];
  private seq = 0;

  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  at(at: number, fn: () => void): () => void {
    const timer = { at, seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /**
   * Moves to `time`, firing each due timer at its own time; `settle` runs after each one (e.g. wait for the work it
   * started), so a timer set by a callback is honoured within the same advance.
   */
  async advanceTo(time: number, settle: () => Promise<unknown> = async () => undefined): Promise<void> {
    for (;;) {
      const due = this.timers.filter((t) => t.at <= time).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = Math.max(this.current, due.at);
      due.fn();
      await settle();
    }
    this.current = Math.max(this.current, time);
  }
}
