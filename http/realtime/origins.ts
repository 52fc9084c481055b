import type { IncomingMessage } from 'node:http';
import type { Config } from '../../core/config';
import { hostAllowed } from '../host-check';

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * Whether a Socket.IO handshake may come from this page: our own origin (the host the request was sent to, or the
 * configured HOST:PORT) or one of ALLOWED_ORIGINS. The Host itself must be one of ours first (http/host-check.ts):
 * a page whose name was rebound to our address has Origin and Host alike, both foreign. A browser always sends
 * Origin on a WebSocket handshake and on a cross-origin request, so a request without one is not a page of another
 * site (a script, a test client): the session cookie alone decides then. `Origin: null` (sandboxed frames, files) is
 * refused.
 */
export function originAllowed(
  req: IncomingMessage,
  config: Pick<Config, 'HOST' | 'PORT' | 'ALLOWED_ORIGINS'>,
): boolean {
  if (!hostAllowed(req, config)) return false;
  const given = req.headers.origin;
  if (given === undefined) return true;
  const origin = originOf(given);
  if (!origin) return false;
  const host = new URL(origin).host;
  if (req.headers.host && host === req.headers.host.toLowerCase()) return true;
  const configured = config.HOST.includes(':') ? `[${config.HOST}]:${config.PORT}` : `${config.HOST}:${config.PORT}`;
  if (host === configured) return true;
  return config.ALLOWED_ORIGINS.some((allowed) => originOf(allowed) === origin);
}
