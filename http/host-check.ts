import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../core/config';
import { ForbiddenError } from '../core/errors';

type HostConfig = Pick<Config, 'HOST' | 'PORT' | 'ALLOWED_ORIGINS'>;

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.']);

function parsedHost(host: string): URL | undefined {
  try {
    return new URL(`http://${host}`);
  } catch {
    return undefined;
  }
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/**
 * Whether the `Host` a request was sent with names this app, against DNS rebinding: a page of evil.example whose
 * name is later pointed at our address is same-origin with us for the browser, but its requests still carry
 * `Host: evil.example`. Accepted:
 * - an IP address (any port): a browser sends one only when the page's own URL was that address, so no name of
 *   someone else's was resolved — this is also how tests, the bench and a LAN reach the app;
 * - `localhost` (any port): no site can make that name point elsewhere (the Vite dev server proxies with it);
 * - the configured `HOST:PORT`, and the hosts of ALLOWED_ORIGINS (the public name behind a reverse proxy).
 * A request without Host (HTTP/1.0, not a browser) is let through: there is no page to protect.
 */
export function hostAllowed(req: IncomingMessage, config: HostConfig): boolean {
  const given = req.headers.host;
  if (given === undefined) return true;
  const url = parsedHost(given);
  if (!url || url.username || url.password || url.pathname !== '/' || url.search) return false;
  const name = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(name) || LOOPBACK_NAMES.has(name)) return true;
  const configured = parsedHost(`${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${config.PORT}`);
  if (configured && url.host === configured.host) return true;
  return config.ALLOWED_ORIGINS.some((allowed) => hostOf(allowed) === url.host);
}

/** Refuses, with our JSON error, an HTTP request whose Host is not one of ours (see hostAllowed). */
export function hostCheck(config: HostConfig) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (hostAllowed(req, config)) return next();
    req.log?.warn({ host: req.headers.host }, 'request refused: foreign Host');
    next(
      new ForbiddenError(
        "Hôte non autorisé : ouvrez l'application à son adresse, ou ajoutez celle-ci à ALLOWED_ORIGINS",
        'HOST_NOT_ALLOWED',
      ),
    );
  };
}
