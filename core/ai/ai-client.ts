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
    private readonly options: { openrouterUrl: string; timeoutMs: number },
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
      // Ollama ignores the key, but the SDK refuses to start without one.
      this.chatApi = new OpenAI({ ...common, baseURL: `${base}/v1`, apiKey: 'ollama' });
      this.ollamaApi = new OpenAI({ ...common, baseURL: base, apiKey: 'ollama' });
    }
  }

  /** The provider's models; for OpenRouter the key is checked first, since its model list is public. */
  async listModels(signal?: AbortSignal): Promise<AiModel[]> {
    try {
      const models = this.ollamaApi ? await this.ollamaModels(signal) : await this.openRouterModels(signal);
      return models.sort((a, b) => a.name.localeCompare(b.name));
    } catch (error) {
      throw this.mapError(error, signal);
    }
  }

  /** One chat completion; returns the assistant's text. */
  async complete(model: string, messages: ChatMessage[], signal?: AbortSignal): Promise<string> {
    try {
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
    const { models } = await this.ollamaApi!.get<{ models?: OllamaModel[] }>('/api/tags', { signal });
    return (models ?? []).map((m) => ({
      id: m.name,
      name: m.name,
      detail:
        [m.details?.parameter_size, m.size ? `${(m.size / 1e9).toFixed(1)} Go` : null].filter(Boolean).join(' · ') ||
        null,
    }));
  }

  private mapError(error: unknown, signal?: AbortSignal, model?: string): AppError {
    if (error instanceof AppError) return error;
    const fail = (code: string, failure: UpstreamFailure, message: string, field?: string) =>
      new UpstreamError(code, message, failure, field);
    const where =
      this.connection.provider === 'ollama'
        ? ` à ${normaliseOllamaUrl(this.connection.ollamaUrl ?? DEFAULT_OLLAMA_URL)}`
        : '';
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
    if (error instanceof APIConnectionError) {
      return fail('AI_UNREACHABLE', 'unavailable', `${this.name} est injoignable${where} : ${connectionCause(error)}`);
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
      const what = model ? `Modèle « ${model} » introuvable chez ${this.name}` : `${this.name} introuvable${where}`;
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
