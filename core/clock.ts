/**
 * Time as the heartbeat sees it. Production uses the system clock; tests drive a manual one so that a candle
 * boundary is a method call, not a minute of waiting.
 */
export interface Clock {
  now(): number;
  /** Calls `fn` once `now()` reaches `at` (epoch ms). Returns a cancel function. */
  at(at: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  at: (at, fn) => {
    const timer = setTimeout(fn, Math.max(0, at - Date.now()));
    return () => clearTimeout(timer);
  },
};
