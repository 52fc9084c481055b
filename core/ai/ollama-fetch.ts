import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { AppError } from '../errors';
import { checkAddresses, checkOllamaUrl } from './ollama-url';

/** Ollama's answers here are a model list or one completion; anything far larger is not Ollama. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** A connection not made by then is "unreachable", like a refused one: a filtered port must not read differently. */
const MAX_CONNECT_MS = 5_000;

/**
 * The connection was never made (refused, no route, unknown name, or no answer in time), whatever the reason. The
 * reason is kept out of `cause`: the SDK reads "timed out" in a cause as its own timeout, and says so.
 */
export class OllamaUnreachable extends Error {
  constructor(readonly reason: unknown) {
    super('Ollama injoignable');
    this.name = 'OllamaUnreachable';
  }
}

/** Resolves, checks every address against the list, and hands the checked addresses to the socket: no rebinding. */
function checkedLookup(allowedHosts: readonly string[]): LookupFunction {
  return (hostname, options: LookupOptions, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '');
      try {
        checkAddresses(hostname, addresses, allowedHosts);
      } catch (refused) {
        return callback(refused as NodeJS.ErrnoException, '');
      }
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

function plainHeaders(init: ConstructorParameters<typeof Headers>[0]): Record<string, string> {
  const plain: Record<string, string> = {};
  new Headers(init).forEach((value, name) => (plain[name] = value));
  return plain;
}

function responseHeaders(headers: http.IncomingHttpHeaders): [string, string][] {
  return Object.entries(headers).flatMap(([name, value]) =>
    value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((v): [string, string] => [name, v]),
  );
}

/**
 * The `fetch` the Ollama client is given: the URL is checked against AI_ALLOWED_HOSTS on every request, the name's
 * addresses at connection time, redirects come back as they are (never followed), and every failure to connect is
 * one `OllamaUnreachable`.
 */
export function ollamaFetch(allowedHosts: readonly string[], timeoutMs: number): typeof fetch {
  const connectMs = Math.min(MAX_CONNECT_MS, Math.max(1, Math.floor(timeoutMs / 2)));
  return async (input, init = {}) => {
    const url = checkOllamaUrl(input instanceof Request ? input.url : String(input), allowedHosts);
    if (init.body != null && typeof init.body !== 'string') {
      throw new TypeError('Ollama : corps de requête non pris en charge');
    }
    const body = init.body ?? undefined;
    return new Promise<Response>((resolve, reject) => {
      let connected = false;
      const request = (url.protocol === 'https:' ? https : http).request(
        url,
        {
          method: init.method ?? 'GET',
          headers: plainHeaders(init.headers),
          signal: init.signal ?? undefined,
          agent: false,
          lookup: checkedLookup(allowedHosts),
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) request.destroy(new Error('Ollama : réponse trop grande'));
            else chunks.push(chunk);
          });
          response.on('error', reject);
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            const empty = status === 204 || status === 205 || status === 304;
            // A status or header `Response` refuses (a server that is not HTTP-clean) is an answer we cannot read.
            try {
              resolve(
                new Response(empty ? null : Buffer.concat(chunks), {
                  status,
                  statusText: response.statusMessage,
                  headers: responseHeaders(response.headers),
                }),
              );
            } catch (error) {
              reject(error as Error);
            }
          });
        },
      );
      request.on('socket', (socket) => {
        const timer = setTimeout(() => request.destroy(new OllamaUnreachable('no connection in time')), connectMs);
        socket.once('connect', () => {
          connected = true;
          clearTimeout(timer);
        });
        socket.once('close', () => clearTimeout(timer));
      });
      request.on('error', (error) => {
        const aborted = init.signal?.aborted || error.name === 'AbortError';
        const ours = error instanceof OllamaUnreachable || error instanceof AppError;
        reject(connected || aborted || ours ? error : new OllamaUnreachable(error));
      });
      request.end(body);
    });
  };
}
