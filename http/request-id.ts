import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';

/**
 * Every request gets an id, generated here (never taken from the client, so it cannot forge log lines): pino-http
 * binds it to the request's log lines, the answer carries it in `X-Request-Id`, and a 5xx body names it, so a user's
 * report leads to the log line that explains it.
 */
export function genReqId(_req: IncomingMessage, res: ServerResponse): string {
  const id = randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

const scope = new AsyncLocalStorage<string>();

/**
 * Makes the request's id known to what the route calls without passing it along (the broker requests, whose worker
 * logs a failure with it). Mounted after the body parsers and the session, whose callbacks would not carry it.
 */
export const requestScope: RequestHandler = (req, _res, next) => {
  scope.run(String(req.id), next);
};

/** The id of the request being served, if any. */
export function currentRequestId(): string | undefined {
  return scope.getStore();
}
