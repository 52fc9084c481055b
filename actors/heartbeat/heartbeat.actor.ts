import type { Queue } from 'bullmq';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { CandleAggregator, type ClosedCandle } from '../../core/candles/aggregator';
import { bucketStart } from '../../core/candles/timeframes';
import type { Clock } from '../../core/clock';
import type { Config } from '../../core/config';
import { parseFeedMessage } from '../../core/feeds/binance-messages';
import { BinanceStream } from '../../core/feeds/binance-stream';
import { binanceId } from '../../core/feeds/binance-symbols';
import type { EventPublisher } from '../../core/realtime/publisher';
import type { Redis } from '../../core/redis';
import { jobIds } from '../../queues/jobs';
import { INCOHERENT, raiseAlert } from './alerts';
import { recordCloses, type NewSignal } from './candle-store';
import { followedSymbols } from './followed-symbols';
import { History } from './history';
import { LeaderLock } from './leader-lock';
import { RawStreamRelay } from './raw-stream';

const MINUTE = 60_000;
const REPAIR_EVERY_MS = 60_000;

export interface HeartbeatSettings {
  wsUrl: string;
  restUrl: string;
  /** The configured pairs; the activations' Binance pairs are followed beside them (followedSymbols). */
  symbols: string[];
  /** Whether the activations' Binance pairs are followed beside the configured ones (off unless said). */
  followActivations?: boolean;
  /** Where paper brokers take their prices: their activations' pairs are followed when it is Binance. */
  paperPriceSource?: string;
  stream: 'trade' | 'aggTrade';
  graceMs: number;
  replayMaxMs: number;
  backfillMaxMs: number;
  idleTimeoutMs: number;
  lockTtlMs: number;
  prefix: string;
  /** First reconnect delay before jitter; doubles per failed attempt up to 30 s. */
  backoffBaseMs?: number;
}

export function heartbeatSettings(config: Config): HeartbeatSettings {
  return {
    wsUrl: config.BINANCE_WS_URL,
    restUrl: config.BINANCE_REST_URL,
    symbols: config.HEARTBEAT_SYMBOLS,
    followActivations: config.HEARTBEAT_FOLLOW_ACTIVATIONS,
    paperPriceSource: config.PAPER_PRICE_SOURCE,
    stream: config.HEARTBEAT_STREAM,
    graceMs: config.HEARTBEAT_GRACE_MS,
    replayMaxMs: config.HEARTBEAT_REPLAY_MAX_SECONDS * 1000,
    backfillMaxMs: config.HEARTBEAT_BACKFILL_MAX_HOURS * 3_600_000,
    idleTimeoutMs: config.HEARTBEAT_IDLE_TIMEOUT_SECONDS * 1000,
    lockTtlMs: config.HEARTBEAT_LOCK_TTL_MS,
    prefix: config.QUEUE_PREFIX,
  };
}

export interface HeartbeatDeps {
  db: Knex;
  redis: Redis;
  publisher: EventPublisher;
  tickQueue: Queue;
  logger: Logger;
  clock: Clock;
  settings: HeartbeatSettings;
  /** Pause between klines attempts (tests shorten it). */
  retryDelayMs?: number;
}

interface SymbolFeed {
  aggregator: CandleAggregator;
  /** Trades received while the aggregator waits for its history. */
  pending: { price: string; quantity: string; time: number }[] | undefined;
}

/** What the actor has seen since it started; the bench and the tests read it. */
export interface HeartbeatStats {
  messages: number;
  trades: number;
  invalid: number;
  unknown: number;
  connections: number;
  signals: number;
}

/**
 * The heartbeat: while it holds the leader lock, it reads Binance's trade stream, closes candles on the clock, stores
 * them with their signals, publishes the signals and the raw stream, and enqueues one `tick` per closed timeframe.
 * Each connection starts a fresh aggregator primed with the exchange's recent minutes, so the first live candles are
 * whole and whatever the disconnect missed is filled; older holes are repaired from the klines too.
 */
export class HeartbeatActor {
  readonly stats: HeartbeatStats = { messages: 0, trades: 0, invalid: 0, unknown: 0, connections: 0, signals: 0 };
  statusId: number | null = null;
  private readonly lock: LeaderLock;
  private readonly history: History;
  private readonly raw: RawStreamRelay;
  private stream: BinanceStream | undefined;
  private feeds = new Map<string, SymbolFeed>();
  /** The pairs followed now: the configured ones and the activations'. */
  private symbols: string[];
  /** The markets by the id Binance's trade messages name them with (`BTCUSDT` → `BTC/USDT`). */
  private byBinanceId: Map<string, string>;
  private cancelClose: (() => void) | undefined;
  private cancelPrime: (() => void) | undefined;
  private repairTimer: NodeJS.Timeout | undefined;
  /** Stores and publishes one batch of closes at a time, in order. */
  private chain: Promise<unknown> = Promise.resolve();
  /** Primings, repairs and closes under way, for `idle`. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private connection = 0;

  constructor(private readonly deps: HeartbeatDeps) {
    const { settings } = deps;
    this.lock = new LeaderLock(deps.redis, `${settings.prefix}:heartbeat:leader`, settings.lockTtlMs, {
      onElected: () => this.lead(),
      onDeposed: (reason) => void this.standDown(reason),
    });
    this.history = new History({
      db: deps.db,
      logger: deps.logger,
      restUrl: settings.restUrl,
      backfillMaxMs: settings.backfillMaxMs,
      retryDelayMs: deps.retryDelayMs,
    });
    this.raw = new RawStreamRelay(deps.publisher);
    this.symbols = settings.symbols;
    this.byBinanceId = new Map(settings.symbols.map((symbol) => [binanceId(symbol), symbol]));
  }

  /** The pairs followed now (the configured ones first). */
  get followed(): readonly string[] {
    return this.symbols;
  }

  /**
   * Follows the activations' pairs too: when they changed, the status row says so and the stream reconnects with
   * them (each new connection primes its aggregators from the klines, so a new pair starts with whole candles).
   */
  async refreshSymbols(): Promise<void> {
    const { db, settings, logger } = this.deps;
    if (!settings.followActivations) return;
    const wanted = await followedSymbols(db, settings.symbols, settings.paperPriceSource ?? 'binance');
    if (wanted.length === this.symbols.length && wanted.every((s, i) => s === this.symbols[i])) return;
    logger.info({ symbols: wanted }, 'heartbeat follows other pairs');
    this.symbols = wanted;
    this.byBinanceId = new Map(wanted.map((symbol) => [binanceId(symbol), symbol]));
    if (this.statusId !== null) {
      await db('heartbeat_status')
        .where({ id: this.statusId })
        .update({ symbols_monitored: JSON.stringify(wanted), updated_at: new Date() });
    }
    this.stream?.follow(wanted.map(binanceId));
  }

  get isLeader(): boolean {
    return this.lock.isLeader;
  }

  async start(): Promise<void> {
    await this.refreshSymbols();
    const [row] = await this.deps
      .db('heartbeat_status')
      .insert({
        is_connected: false,
        last_application_start: new Date(),
        symbols_monitored: JSON.stringify(this.symbols),
      })
      .returning('id');
    this.statusId = (row as { id: number }).id;
    await this.statusChanged();
    await this.lock.start();
  }

  /** Stops reading, waits for the closes in flight, releases the lock and records the stop time. */
  async stop(): Promise<void> {
    await this.disconnect();
    await this.lock.stop();
    await this.deps
      .db('heartbeat_status')
      .where({ id: this.statusId })
      .update({ is_connected: false, last_application_stop: new Date(), updated_at: new Date() });
    await this.statusChanged();
  }

  /** Resolves once nothing is under way: no priming, no repair, no close waiting to be stored and ticked. */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /** Simulates a crash for tests: stops reading and renewing the lock without releasing it or writing the stop. */
  async crash(): Promise<void> {
    await this.lock.stop(false);
    await this.disconnect();
  }

  /** Looks for holes now (also runs every minute while leading). */
  async repairNow(): Promise<void> {
    const upTo = Math.floor(this.deps.clock.now() / MINUTE) * MINUTE - MINUTE - 1;
    await this.refreshSymbols().catch((error: unknown) =>
      this.deps.logger.warn({ err: error }, 'reading the activations pairs failed'),
    );
    for (const symbol of this.symbols) {
      await this.history.repair(symbol, upTo, this.deps.clock.now(), (candles) => this.emit(candles));
    }
    // Coherence may have changed either way.
    await this.statusChanged();
  }

  private lead(): void {
    const { settings, logger } = this.deps;
    logger.info({ symbols: this.symbols }, 'heartbeat elected, connecting');
    // Only the leader's row can be connected: rows of processes that died without a stop are stale.
    void this.deps
      .db('heartbeat_status')
      .whereNot({ id: this.statusId })
      .where({ is_connected: true })
      .update({ is_connected: false })
      .catch((error: unknown) => logger.warn({ err: error }, 'heartbeat_status cleanup failed'));
    this.raw.start();
    this.stream = new BinanceStream(
      {
        url: settings.wsUrl,
        symbols: this.symbols.map(binanceId),
        stream: settings.stream,
        idleTimeoutMs: settings.idleTimeoutMs,
        maxAgeMs: 23 * 3_600_000 + 55 * MINUTE,
        backoffBaseMs: settings.backoffBaseMs,
      },
      {
        onOpen: () => this.connected(),
        onMessage: (raw) => this.receive(raw),
        onClose: (reason) => this.disconnected(reason),
      },
    );
    this.stream.start();
    this.repairTimer = setInterval(() => void this.track(this.repairNow()).catch(() => undefined), REPAIR_EVERY_MS);
  }

  private async standDown(reason: string): Promise<void> {
    this.deps.logger.warn({ reason }, 'heartbeat lost the leader lock, standing by');
    await this.disconnect();
    await this.setConnected(false, reason);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  /** Forgets the current connection's aggregators and timers; a priming still under way sees it and stops. */
  private dropFeeds(): void {
    this.connection++;
    this.cancelClose?.();
    this.cancelPrime?.();
    this.feeds = new Map();
  }

  private async disconnect(): Promise<void> {
    clearInterval(this.repairTimer);
    this.dropFeeds();
    await this.stream?.stop();
    this.stream = undefined;
    await this.raw.stop();
    await this.chain;
  }

  private connected(): void {
    const { clock, settings, logger } = this.deps;
    const connection = ++this.connection;
    this.stats.connections++;
    const startMinute = Math.floor(clock.now() / MINUTE) * MINUTE;
    this.feeds = new Map(
      this.symbols.map((symbol) => [
        symbol,
        { aggregator: new CandleAggregator(symbol, settings.graceMs), pending: [] },
      ]),
    );
    logger.info({ connection }, 'heartbeat connected');
    void this.setConnected(true, null);
    // The minute we connected in is missing its first trades: it comes from the klines once closed.
    this.cancelPrime = clock.at(startMinute + MINUTE + settings.graceMs, () => {
      void this.track(this.prime(connection, startMinute));
    });
  }

  private disconnected(reason: string): void {
    this.deps.logger.warn({ reason }, 'heartbeat disconnected');
    this.dropFeeds();
    void this.setConnected(false, reason);
  }

  private async prime(connection: number, startMinute: number): Promise<void> {
    const feeds = this.feeds;
    for (const [symbol, feed] of feeds) {
      let closed: ClosedCandle[] = [];
      try {
        closed = await this.history.prime(feed.aggregator, startMinute);
      } catch (error) {
        feed.aggregator.skipTo(startMinute + MINUTE);
        const message = `Historique ${symbol} indisponible : ${(error as Error).message}`;
        this.deps.logger.error({ err: error, symbol }, 'priming failed');
        // Every candle the aggregator is inside of lacks its first minutes, up to the end of the current 4h one.
        const from = bucketStart(startMinute + MINUTE, '4h');
        const span = { from: new Date(from).toISOString(), to: new Date(from + 4 * 3_600_000 - 1).toISOString() };
        await raiseAlert(this.deps.db, INCOHERENT, symbol, message, span).catch(() => undefined);
        await this.statusChanged().catch(() => undefined);
      }
      if (connection !== this.connection) return;
      for (const trade of feed.pending ?? []) {
        if (trade.time >= startMinute + MINUTE) feed.aggregator.addTrade(trade.price, trade.quantity, trade.time);
      }
      feed.pending = undefined;
      void this.emit(closed);
    }
    this.closeDue();
    void this.track(this.repairNow()).catch((error: unknown) =>
      this.deps.logger.error({ err: error }, 'repair failed'),
    );
  }

  /** Closes what is due and sets the timer for the next boundary. */
  private closeDue(): void {
    const now = this.deps.clock.now();
    const closed: ClosedCandle[] = [];
    let next = Infinity;
    for (const feed of this.feeds.values()) {
      if (feed.pending) continue;
      closed.push(...feed.aggregator.closeDue(now));
      next = Math.min(next, feed.aggregator.nextDeadline() ?? Infinity);
    }
    if (closed.length) void this.emit(closed);
    if (next !== Infinity) this.cancelClose = this.deps.clock.at(next, () => this.closeDue());
  }

  private receive(raw: string): void {
    this.stats.messages++;
    this.raw.push(raw);
    const message = parseFeedMessage(raw);
    if (message.kind === 'trade') {
      const symbol = this.byBinanceId.get(message.symbol);
      const feed = symbol === undefined ? undefined : this.feeds.get(symbol);
      if (!feed) return void this.stats.unknown++;
      this.stats.trades++;
      if (feed.pending) feed.pending.push(message);
      else feed.aggregator.addTrade(message.price, message.quantity, message.time);
    } else if (message.kind === 'shutdown') {
      this.deps.logger.warn('Binance serverShutdown: reconnecting');
      this.stream?.reconnectNow('serverShutdown');
    } else if (message.kind === 'invalid' || message.kind === 'unknown') {
      const count = message.kind === 'invalid' ? ++this.stats.invalid : ++this.stats.unknown;
      // The first few and then one in a thousand: a flood of garbage must not flood the log too.
      if (count <= 10 || count % 1000 === 0) {
        this.deps.logger.warn({ message: raw.slice(0, 200), count, detail: message }, 'unexpected feed message');
      }
    }
  }

  /** Stores the closes; publishes and ticks the new signals that are still recent enough to act on. */
  private emit(candles: ClosedCandle[]): Promise<void> {
    if (candles.length === 0) return Promise.resolve();
    const run = this.chain.then(async () => {
      const { db, clock, settings, publisher, tickQueue, logger } = this.deps;
      try {
        const now = clock.now();
        const signals = await recordCloses(db, candles, { statusId: this.statusId, receivedAt: new Date(now) });
        const recent = signals.filter((s) => now - (s.closeTime + 1) <= settings.replayMaxMs);
        this.stats.signals += signals.length;
        if (recent.length === 0) return;
        await publisher.publish('heartbeat:signals', { signals: recent.map(toEvent) }, 'all');
        const ticks = new Map(recent.map((s) => [jobIds.tick(s.timeframe, s.closeTime), s]));
        await tickQueue.addBulk(
          [...ticks].map(([jobId, s]) => ({
            name: 'tick',
            data: { timeframe: s.timeframe, closeTime: s.closeTime },
            opts: { jobId },
          })),
        );
      } catch (error) {
        logger.error({ err: error }, 'storing closed candles failed');
      }
    });
    this.chain = run;
    return this.track(run);
  }

  private async setConnected(connected: boolean, error: string | null): Promise<void> {
    try {
      await this.deps
        .db('heartbeat_status')
        .where({ id: this.statusId })
        .update({
          is_connected: connected,
          updated_at: new Date(),
          ...(error ? { last_error: error, last_error_at: new Date() } : {}),
        });
      await this.statusChanged();
    } catch (err) {
      this.deps.logger.warn({ err }, 'heartbeat_status update failed');
    }
  }

  private statusChanged(): Promise<void> {
    return this.deps.publisher.publish('status:changed', { reason: 'heartbeat' }, 'all');
  }
}

function toEvent(signal: NewSignal) {
  return {
    symbol: signal.symbol,
    timeframe: signal.timeframe,
    candleTime: signal.openTime,
    receivedAt: signal.receivedAt.getTime(),
    backfilled: signal.backfilled,
  };
}
