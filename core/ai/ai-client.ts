import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from 'openai';
import { AppError, UpstreamError, type UpstreamFailure } from '../errors';
import { ollamaFetch } from './ollama-fetch';
import { checkOllamaUrl } from './ollama-url';

export type AiProvider = 'openrouter' | 'ollama';

/** Where and as whom to reach a provider. */
export interface AiConnection {
  provider: AiProvider;
  /** OpenRouter's API key. */
  apiKey?: string;
  /** Ollama's base URL (`http://localhost:11434`), without `/v1`. */
  ollamaUrl?: string;
}

export interface AiModel {
  id: string;
  name: string;
  /** Context length or size on disk, for people choosing. */
  detail: string | null;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export const DEFAULT_OLLAMA_URL = 'http://localhost:11434';

const PROVIDER_NAMES: Record<AiProvider, string> = { openrouter: 'OpenRouter', ollama: 'Ollama' };

/** The base URL as people paste it: trailing slashes and an OpenAI-style `/v1` suffix removed. */
export function normaliseOllamaUrl(url: string): string {
  return url.trim().replace(/\/+$/, '').replace(/\/v1$/, '');
}

interface OpenRouterModel {
  id: string;
  name?: string;
  context_length?: number | null;
}
interface OllamaModel {
  name: string;
  size?: number;
  details?: { parameter_size?: string };
}

/** The text of a provider's error body: OpenAI-style `{error: {message}}` or Ollama's `{error: "…"}`. */
function providerDetail(error: APIError): string {
  const body = error.error as { message?: unknown } | string | undefined;
  if (typeof body === 'string') return body;
  if (body && typeof body.message === 'string') return body.message;
  return error.status ? `HTTP ${error.status}` : error.message;
}

/**
 * One provider, reached through the `openai` SDK: OpenRouter and Ollama both speak OpenAI's chat API (Ollama under
 * `/v1`); the model lists are each provider's own (`/models` and `/api/tags`). Errors come out as UpstreamErrors
 * with French messages naming the provider. No retries: a slow model must not cost the user twice the wait.
 */
export class AiClient {
  private readonly name: string;
  private readonly chatApi: OpenAI;
  private readonly ollamaApi: OpenAI | null;

  constructor(
    private readonly connection: AiConnection,
    /** `allowedHosts`: AI_ALLOWED_HOSTS, the only hosts an Ollama URL may name. */
    private readonly options: { openrouterUrl: string; timeoutMs: number; allowedHosts: readonly string[] },
  ) {
    this.name = PROVIDER_NAMES[connection.provider];
    const common = { timeout: options.timeoutMs, maxRetries: 0 };
    if (connection.provider === 'openrouter') {
      this.chatApi = new OpenAI({
        ...common,
        baseURL: options.openrouterUrl,
        apiKey: connection.apiKey ?? '',
        defaultHeaders: { 'X-Title': 'Aristobot' },
      });
      this.ollamaApi = null;
    } else {
      const base = normaliseOllamaUrl(connection.ollamaUrl ?? DEFAULT_OLLAMA_URL);
      // The user's URL: every request is checked against the allowed hosts and never follows a redirect.
      const ollama = { ...common, fetch: ollamaFetch(options.allowedHosts, options.timeoutMs) };
      // Ollama ignores the key, but the SDK refuses to start without one.
      this.chatApi = new OpenAI({ ...ollama, baseURL: `${base}/v1`, apiKey: 'ollama' });
      this.ollamaApi = new OpenAI({ ...ollama, baseURL: base, apiKey: 'ollama' });
    }
  }

  /** The provider's models; for OpenRouter the key is checked first, since its model list is public. */
  async listModels(signal?: AbortSignal): Promise<AiModel[]> {
    try {
      this.checkUrl();
      const models = this.ollamaApi ? await this.ollamaModels(signal) : await this.openRouterModels(signal);
      return models.sort((a, b) => a.name.localeCompare(b.name));
    } catch (error) {
      throw this.mapError(error, signal);
    }
  }

  /** One chat completion; returns the assistant's text. */
  async complete(model: string, messages: ChatMessage[], signal?: AbortSignal): Promise<string> {
    try {
      this.checkUrl();
      const reply = await this.chatApi.chat.completions.create({ model, messages, temperature: 0.2 }, { signal });
      const content = reply.choices[0]?.message?.content;
      if (!content) {
        throw new UpstreamError('AI_EMPTY_REPLY', `${this.name} a renvoyé une réponse vide (modèle ${model})`, 'error');
      }
      return content;
    } catch (error) {
      throw this.mapError(error, signal, model);
    }
  }

  /**
   * The Ollama URL as stored, before anything is sent (the list may have changed since it was saved); each request
   * is checked again on its way out (ollamaFetch), on the URL the SDK built from it.
   */
  private checkUrl(): void {
    if (this.connection.provider === 'ollama') {
      checkOllamaUrl(normaliseOllamaUrl(this.connection.ollamaUrl ?? DEFAULT_OLLAMA_URL), this.options.allowedHosts);
    }
  }

  private async openRouterModels(signal?: AbortSignal): Promise<AiModel[]> {
    if (!this.connection.apiKey) {
      throw new UpstreamError('AI_KEY_MISSING', 'Clé API OpenRouter : obligatoire', 'auth', 'apiKey');
    }
    await this.chatApi.get('/key', { signal });
    const { data } = await this.chatApi.get<{ data?: OpenRouterModel[] }>('/models', { signal });
    return (data ?? []).map((m) => ({
      id: m.id,
      name: m.name || m.id,
      detail: m.context_length ? `${Math.round(m.context_length / 1000)}k tokens` : null,
    }));
  }

  private async ollamaModels(signal?: AbortSignal): Promise<AiModel[]> {
    const reply = await this.ollamaApi!.get<unknown>('/api/tags', { signal });
    const models = (reply as { models?: unknown } | null)?.models;
    if (!Array.isArray(models) || !models.every((m) => typeof (m as OllamaModel | null)?.name === 'string')) {
      throw new UpstreamError('AI_NOT_OLLAMA', `${this.where()} ne répond pas comme Ollama (/api/tags)`, 'error');
    }
    return (models as OllamaModel[]).map((m) => ({
      id: m.name,
      name: m.name,
      detail:
        [m.details?.parameter_size, m.size ? `${(m.size / 1e9).toFixed(1)} Go` : null].filter(Boolean).join(' · ') ||
        null,
    }));
  }

  /** "Ollama à http://…": the user's own URL, the one thing of theirs an Ollama error repeats. */
  private where(): string {
    return `${this.name} à ${normaliseOllamaUrl(this.connection.ollamaUrl ?? DEFAULT_OLLAMA_URL)}`;
  }

  private mapError(error: unknown, signal?: AbortSignal, model?: string): AppError {
    // A refusal of the URL itself (checked again on each request) comes back wrapped by the SDK.
    const own = ownError(error);
    if (own) return own;
    const fail = (code: string, failure: UpstreamFailure, message: string, field?: string) =>
      new UpstreamError(code, message, failure, field);
    const seconds = (this.options.timeoutMs / 1000).toLocaleString('fr-FR');
    // The caller's signal ends either on its deadline (AbortSignal.timeout) or because the browser gave up.
    const deadlinePassed = signal?.reason instanceof DOMException && signal.reason.name === 'TimeoutError';
    if (error instanceof APIUserAbortError && !deadlinePassed) {
      return fail('AI_CANCELLED', 'error', 'Demande à l’assistant IA annulée');
    }
    if (error instanceof APIUserAbortError || error instanceof APIConnectionTimeoutError) {
      return fail(
        'AI_TIMEOUT',
        'timeout',
        `${this.name} n'a pas répondu en ${seconds} s : réessayez ou choisissez un modèle plus rapide`,
      );
    }
    if (this.connection.provider === 'ollama') return this.ollamaError(error, model);
    if (error instanceof APIConnectionError) {
      return fail('AI_UNREACHABLE', 'unavailable', `${this.name} est injoignable : ${connectionCause(error)}`);
    }
    if (!(error instanceof APIError)) {
      return fail(
        'AI_ERROR',
        'error',
        `Erreur de ${this.name} : ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const detail = providerDetail(error);
    if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) {
      return fail('AI_AUTH_FAILED', 'auth', `${this.name} a refusé la clé API : ${detail}`, 'apiKey');
    }
    if (error instanceof NotFoundError) {
      const what = model ? `Modèle « ${model} » introuvable chez ${this.name}` : `${this.name} introuvable`;
      return fail('AI_NOT_FOUND', 'not_found', `${what} : ${detail}`, model ? 'model' : undefined);
    }
    if (error instanceof RateLimitError) {
      return fail(
        'AI_RATE_LIMITED',
        'rate_limited',
        `${this.name} limite les requêtes, réessayez plus tard : ${detail}`,
      );
    }
    if (error.status === 402) {
      return fail('AI_PAYMENT_REQUIRED', 'rejected', `${this.name} refuse la requête faute de crédits : ${detail}`);
    }
    if (error.status && error.status >= 500) {
      return fail('AI_UNAVAILABLE', 'unavailable', `${this.name} est en erreur (${error.status}) : ${detail}`);
    }
    return fail('AI_REJECTED', 'rejected', `${this.name} a refusé la requête : ${detail}`);
  }

  /**
   * Ollama's errors in our words only: the URL is the user's, so nothing the server at it sends (body, headers,
   * socket error) is repeated, and a connection that was not made reads the same whatever stopped it.
   */
  private ollamaError(error: unknown, model?: string): AppError {
    const where = this.where();
    if (error instanceof APIConnectionError) {
      return new UpstreamError('AI_UNREACHABLE', `${where} est injoignable`, 'unavailable');
    }
    if (!(error instanceof APIError) || !error.status) {
      return new UpstreamError('AI_ERROR', `${where} a renvoyé une réponse illisible`, 'error');
    }
    const status = error.status;
    if (status >= 300 && status < 400) {
      return new UpstreamError(
        'AI_REDIRECT',
        `${where} a répondu par une redirection (HTTP ${status}), qui n'est pas suivie : indiquez l'URL d'Ollama elle-même`,
        'error',
      );
    }
    if (status === 404 && model) {
      return new UpstreamError(
        'AI_NOT_FOUND',
        `Modèle « ${model} » introuvable : ${where} a refusé avec HTTP 404 (modèle non téléchargé ?)`,
        'not_found',
        'model',
      );
    }
    if (status === 404) {
      return new UpstreamError('AI_NOT_FOUND', `${where} a refusé avec HTTP 404 : est-ce bien Ollama ?`, 'not_found');
    }
    if (status >= 500)
      return new UpstreamError('AI_UNAVAILABLE', `${where} est en erreur (HTTP ${status})`, 'unavailable');
    return new UpstreamError('AI_REJECTED', `${where} a refusé avec HTTP ${status}`, 'rejected');
  }
}

/** One of our errors, as thrown or as the cause under the SDK's wrappers. */
function ownError(error: unknown): AppError | null {
  let current = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    if (current instanceof AppError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

/**
 * "connexion refusée" rather than "Connection error.": the socket error under the SDK's and fetch's wrappers (duck
 * typed: fetch's errors come from another realm under test runners).
 */
function connectionCause(error: APIConnectionError): string {
  let cause = error.cause as { code?: string; cause?: unknown; errors?: unknown[] } | undefined;
  for (let depth = 0; cause && typeof cause === 'object' && depth < 5; depth++) {
    const code = cause.code;
    if (code === 'ECONNREFUSED') return 'connexion refusée';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'adresse inconnue';
    if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connexion coupée';
    cause = (cause.cause ?? cause.errors?.[0]) as typeof cause;
  }
  return error.message;
}
