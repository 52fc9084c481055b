import { z } from 'zod';
import { unifiedSymbol } from './feeds/binance-symbols';

const bool = z
  .enum(['true', 'false', 'True', 'False', '1', '0', 'yes', 'no', ''])
  .transform((v) => ['true', 'True', '1', 'yes'].includes(v));

const list = z.string().transform((v) => [...new Set(v.split(',').map((s) => s.trim()))].filter(Boolean));

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }),
    SECRET_KEY: z.string().optional(),
    DEBUG_ARISTOBOT: bool.default(false),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    COOKIE_SECURE: bool.default(false),
    SESSION_MAX_AGE_HOURS: z.coerce.number().positive().default(168),
    LOGIN_MAX_ATTEMPTS: z.coerce.number().int().positive().default(5),
    LOGIN_WINDOW_SECONDS: z.coerce.number().int().positive().default(900),
    LOGIN_MAX_PER_IP: z.coerce.number().int().positive().default(50),
    TRUST_PROXY: bool.default(false),
    REGISTER_MAX_PER_HOUR: z.coerce.number().int().positive().default(10),
    ALLOWED_ORIGINS: list.default([]),
    DAC_PASSWORD: z.string().min(8).optional(),
    DEV_PASSWORD: z.string().min(8).optional(),
    QUEUE_PREFIX: z.string().min(1).default('aristobot'),
    BINANCE_WS_URL: z.url({ protocol: /^wss?$/ }).default('wss://stream.binance.com:9443'),
    BINANCE_REST_URL: z.url({ protocol: /^https?$/ }).default('https://api.binance.com'),
    // Markets as ccxt writes them (BTC/USDT); Binance's own form (BTCUSDT) is read too.
    HEARTBEAT_SYMBOLS: z
      .string()
      .default('BTC/USDT')
      .transform((v, ctx) => {
        const symbols = v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const unified = symbols.map((s) => unifiedSymbol(s));
        const bad = symbols.filter((_, i) => !unified[i]);
        if (bad.length)
          ctx.addIssue({ code: 'custom', message: `marché spot attendu (ex. BTC/USDT) : ${bad.join(', ')}` });
        return [...new Set(unified.filter((s): s is string => Boolean(s)))];
      })
      .pipe(z.array(z.string()).min(1)),
    HEARTBEAT_FOLLOW_ACTIVATIONS: bool.default(true),
    HEARTBEAT_STREAM: z.enum(['trade', 'aggTrade']).default('trade'),
    HEARTBEAT_GRACE_MS: z.coerce.number().int().min(0).max(10_000).default(1_000),
    HEARTBEAT_REPLAY_MAX_SECONDS: z.coerce.number().int().min(0).default(120),
    HEARTBEAT_BACKFILL_MAX_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 30)
      .default(24),
    HEARTBEAT_IDLE_TIMEOUT_SECONDS: z.coerce.number().positive().default(60),
    HEARTBEAT_LOCK_TTL_MS: z.coerce.number().int().min(1_000).default(10_000),
    PAPER_STARTING_BALANCE_USDT: z
      .string()
      .regex(/^\d+(\.\d+)?$/, 'montant décimal attendu (ex. 10000)')
      .default('10000'),
    EXCHANGE_API_OVERRIDES: z
      .string()
      .default('{}')
      .transform((v, ctx) => {
        try {
          const parsed = JSON.parse(v) as unknown;
          if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, string>;
        } catch {
          /* reported below */
        }
        ctx.addIssue({ code: 'custom', message: 'objet JSON attendu, ex. {"binance":"http://127.0.0.1:9000"}' });
        return z.NEVER;
      }),
    BROKER_REPLY_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
    BROKER_JOB_LOCK_MS: z.coerce.number().int().min(500).default(30_000),
    PAPER_PRICE_SOURCE: z.string().min(1).default('binance'),
    SANDBOX_MEMORY_MB: z.coerce.number().int().min(8).default(64),
    SANDBOX_TIMEOUT_MS: z.coerce.number().int().min(10).default(500),
    SANDBOX_VALIDATION_BUDGET_MS: z.coerce.number().int().min(10).default(2_000),
    SANDBOX_BACKTEST_BUDGET_MS: z.coerce.number().int().min(10).default(10_000),
    SANDBOX_BACKTEST_BUDGET_US_PER_CANDLE: z.coerce.number().min(0).default(100),
    SANDBOX_THREADS: z.coerce.number().int().min(1).max(64).default(2),
    SANDBOX_WARM_RUNNERS: z.coerce.number().int().min(1).max(10_000).default(64),
    BACKTEST_CONCURRENCY: z.coerce.number().int().min(1).default(1),
    // Evaluations at once per worker process; each holds a database connection while its orders are placed.
    LIVE_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(8),
    LIVE_WARMUP_CANDLES: z.coerce.number().int().min(1).max(10_000).default(500),
    OPENROUTER_URL: z.url().default('https://openrouter.ai/api/v1'),
    AI_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
    AI_ALLOWED_HOSTS: list.default(['localhost', '127.0.0.1', '::1']),
    // TradingView's published webhook addresses: the allowlist a source can turn on.
    TRADINGVIEW_IPS: list.default(['52.89.214.238', '34.212.75.30', '54.218.53.128', '52.32.178.7']),
    WEBHOOK_RATE_PER_MINUTE: z.coerce.number().int().positive().default(60),
    // Webhooks one worker process turns into orders at once; each holds a database connection meanwhile.
    WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
    // Where TradingView reaches this server (https://bot.example.org): the base of the URLs shown to paste.
    PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    PAPER_SLIPPAGE: z
      .string()
      .regex(/^0(\.\d+)?$/, 'fraction décimale attendue (ex. 0.0005)')
      .default('0.0005'),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && (!env.SECRET_KEY || env.SECRET_KEY.length < 32)) {
      ctx.addIssue({
        code: 'custom',
        path: ['SECRET_KEY'],
        message: 'obligatoire en production (32 caractères au moins)',
      });
    }
  });

export type Config = Omit<z.infer<typeof schema>, 'SECRET_KEY'> & { SECRET_KEY: string };

/** Raised at start when the environment is invalid; the message names every bad variable. */
export class ConfigError extends Error {}

/**
 * Reads and validates the environment once. Outside production, a missing SECRET_KEY is an error too: the start
 * and test scripts provide one (generated into .data/ for the local default).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '?'} : ${issue.message}`);
    throw new ConfigError(`Configuration invalide :\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  if (!config.SECRET_KEY) {
    throw new ConfigError('Configuration invalide :\n  SECRET_KEY : manquante (npm start en génère une dans .data/)');
  }
  return { ...config, SECRET_KEY: config.SECRET_KEY };
}

let cached: Config | undefined;

/** The process-wide configuration, validated on first use. */
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}
