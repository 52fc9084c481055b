/** What the browser receives of a server type: JSON.stringify's copy of it, a Date as its ISO string. */
export type Json<T> = T extends { toJSON(): infer R } ? R : T extends object ? { [K in keyof T]: Json<T[K]> } : T;

/** The API's error body: a stable code, a French message, the field at fault when there is one. */
export interface ApiErrorBody {
  code: string;
  message: string;
  field?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
  }
  get field(): string | undefined {
    return this.body.field;
  }
}

let csrfToken: string | null = null;

/** Called after sign-in, whose response carries the token of the new session. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

async function ensureCsrfToken(): Promise<string> {
  if (!csrfToken) {
    const res = await fetch('/api/auth/csrf', { credentials: 'same-origin' });
    csrfToken = ((await res.json()) as { token: string }).token;
  }
  return csrfToken;
}

/**
 * Calls the API. State-changing requests carry the CSRF token; one refused for a stale token (a new session) is
 * retried once with a fresh one.
 */
export async function api<T>(
  method: string,
  url: string,
  body?: unknown,
  options: { signal?: AbortSignal; retried?: boolean } = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRF-Token'] = await ensureCsrfToken();
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: options.signal,
    });
  } catch {
    if (options.signal?.aborted) throw new ApiError(0, { code: 'ABORTED', message: 'Demande annulée' });
    throw new ApiError(0, { code: 'NETWORK', message: 'Le serveur ne répond pas' });
  }
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => ({}))) as { error?: ApiErrorBody };
  if (!res.ok) {
    const error = data.error ?? { code: 'HTTP_' + res.status, message: `Erreur ${res.status}` };
    if (error.code === 'CSRF_INVALID' && !options.retried) {
      csrfToken = null;
      return api<T>(method, url, body, { ...options, retried: true });
    }
    throw new ApiError(res.status, error);
  }
  return data as T;
}
