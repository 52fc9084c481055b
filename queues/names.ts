/**
 * Every BullMQ queue of Aristobot. A queue is an actor's mailbox; its worker lives in `actors/`.
 * Names carry no `:` (BullMQ's key separator).
 */
export const QUEUES = {
  /** Periodic housekeeping: the heartbeat watchdog, the sweeps of pending and open trades. */
  system: 'system',
  /** One `tick` per closed timeframe, from the heartbeat; the dispatcher fans it out to strategies; a sweep re-queues lost ones. */
  tick: 'tick',
  /** The strategy actor: one `evaluate` per active strategy and close, `close` when a user sells, `protect` (SL/TP). */
  strategy: 'strategy',
  /** Loads an exchange's markets into `exchange_symbols`, one job per exchange at a time. */
  markets: 'markets',
  /** One job per backtest run (`backtest-{id}`); spread over every worker. */
  backtest: 'backtest',
  /**
   * Parameter sweeps: `prepare` (candles), one `run` per combination spread over every worker, and per phase a
   * `gather` parent that runs once its runs are done.
   */
  sweep: 'sweep',
  /** The webhook actor: one `process` per stored TradingView request (`webhook-{id}`), turned into orders. */
  webhook: 'webhook',
  /** The statistics' balance history: every broker's holdings valued on the hour and after its fills. */
  stats: 'stats',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** One queue per broker account: its jobs run one at a time, at the exchange's pace. */
export const brokerQueue = (brokerId: number) => `broker-${brokerId}`;

/** The timeframes the heartbeat closes, in order: the ones strategies, live trading and backtests use. */
export const TIMEFRAMES = ['1m', '3m', '5m', '10m', '15m', '1h', '2h', '4h'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];
