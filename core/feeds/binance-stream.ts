import WebSocket from 'ws';

export interface StreamHandlers {
  /** The socket is open and subscribed (the combined-stream URL carries the subscription). */
  onOpen(): void;
  onMessage(raw: string): void;
  /** The socket closed or failed; a reconnect is scheduled unless `stop` was called. */
  onClose(reason: string): void;
}

export interface StreamOptions {
  /** Base URL, e.g. wss://stream.binance.com:9443 */
  url: string;
  symbols: readonly string[];
  stream: 'trade' | 'aggTrade';
  /** No message and no ping for this long means a dead connection. Binance pings every 20 s. */
  idleTimeoutMs: number;
  /** Binance closes a connection after 24 h; renewing a little before keeps the cut under our control. */
  maxAgeMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

/** The combined-stream URL for the symbols' trade streams (symbols are lowercase in stream names). */
export function combinedStreamUrl(base: string, symbols: readonly string[], stream: string): string {
  const streams = symbols.map((s) => `${s.toLowerCase()}@${stream}`).join('/');
  return `${base.replace(/\/+$/, '')}/stream?streams=${streams}`;
}

/** Exponential backoff with full jitter: a random delay in [0, min(max, base·2^attempt)). */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  return Math.floor(random() * Math.min(maxMs, baseMs * 2 ** attempt));
}

/**
 * One websocket connection to Binance's combined stream, kept alive: `ws` answers the server's pings with pongs,
 * a silent connection is dropped after `idleTimeoutMs`, and every close is followed by a reconnect with backoff
 * and jitter (reset once a connection delivers a message). `reconnectNow` serves Binance's `serverShutdown` notice.
 */
export class BinanceStream {
  private socket: WebSocket | undefined;
  private attempt = 0;
  private lastActivity = 0;
  private openedAt = 0;
  private stopped = true;
  private watchdog: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private symbols: readonly string[];

  constructor(
    private readonly options: StreamOptions,
    private readonly handlers: StreamHandlers,
  ) {
    this.symbols = options.symbols;
  }

  get url(): string {
    return combinedStreamUrl(this.options.url, this.symbols, this.options.stream);
  }

  /** Follows other symbols from now on: a new connection at once, the combined stream's URL names its streams. */
  follow(symbols: readonly string[]): void {
    this.symbols = symbols;
    this.reconnectNow('symboles suivis changés');
  }

  start(): void {
    this.stopped = false;
    this.connect();
    const period = Math.max(50, Math.min(this.options.idleTimeoutMs / 4, 5_000));
    this.watchdog = setInterval(() => this.checkAlive(), period);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.watchdog);
    clearTimeout(this.retry);
    const socket = this.socket;
    this.socket = undefined;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.close(1000);
      setTimeout(() => {
        socket.terminate();
        resolve();
      }, 1_000).unref();
    });
  }

  /** Drops the current connection and opens a new one at once (no backoff). */
  reconnectNow(reason: string): void {
    this.attempt = 0;
    this.drop(reason);
  }

  private connect(): void {
    if (this.stopped) return;
    const socket = new WebSocket(this.url, { perMessageDeflate: false, handshakeTimeout: 10_000 });
    this.socket = socket;
    this.lastActivity = Date.now();
    this.openedAt = 0;
    let delivered = false;
    socket.on('open', () => {
      this.openedAt = Date.now();
      this.lastActivity = this.openedAt;
      this.handlers.onOpen();
    });
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      this.lastActivity = Date.now();
      if (!delivered) {
        delivered = true;
        this.attempt = 0;
      }
      if (!isBinary) this.handlers.onMessage(data.toString());
    });
    socket.on('ping', () => {
      this.lastActivity = Date.now();
    });
    // The error says why (DNS, refused, TLS…); the close that follows only has a code.
    let failure = '';
    socket.on('error', (error: Error) => {
      failure = error.message;
    });
    socket.on('close', (code: number, reason: Buffer) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      const why = reason.length ? reason.toString() : failure;
      this.handlers.onClose(`fermeture ${code}${why ? ` : ${why}` : ''}`);
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt, this.options.backoffBaseMs ?? 500, this.options.backoffMaxMs ?? 30_000);
    this.attempt++;
    this.retry = setTimeout(() => this.connect(), delay);
  }

  private drop(reason: string): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = undefined;
    socket.removeAllListeners('close');
    socket.on('close', () => undefined);
    socket.terminate();
    this.handlers.onClose(reason);
    this.scheduleReconnect();
  }

  private checkAlive(): void {
    if (!this.socket) return;
    const now = Date.now();
    if (now - this.lastActivity > this.options.idleTimeoutMs) {
      this.drop(`aucun message depuis ${Math.round((now - this.lastActivity) / 1000)} s`);
    } else if (this.options.maxAgeMs && this.openedAt && now - this.openedAt > this.options.maxAgeMs) {
      this.reconnectNow('renouvellement avant la coupure des 24 h');
    }
  }
}
