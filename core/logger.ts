import pino, { type Logger } from 'pino';

/** Paths whose values never reach a log line: cookies, credentials and anything named like a secret. */
export const REDACTED_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.apiKey',
  '*.secret',
  '*.api_key',
  '*.api_secret',
  '*.api_password',
];

export function createLogger(level: string, name: string): Logger {
  return pino({
    name,
    level,
    redact: { paths: REDACTED_PATHS, censor: '[masqué]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
