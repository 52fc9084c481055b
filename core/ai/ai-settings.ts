import { credentialsHint, decryptCredentials, encryptCredentials } from '../crypto/credentials';
import { ConflictError, ValidationError } from '../errors';
import { User } from '../db/models';
import { parse, z } from '../validation';
import { DEFAULT_OLLAMA_URL, normaliseOllamaUrl, type AiConnection } from './ai-client';
import { checkOllamaUrl, checkOllamaUrlResolved } from './ollama-url';

// The hosts allowed are checked after the schema (checkOllamaUrl), where AI_ALLOWED_HOSTS is known.
const httpUrl = z.string().trim().max(500, { error: '500 caractères au plus' });
const apiKey = z.string().trim().max(500, { error: '500 caractères au plus' });

export const aiSettingsSchema = z
  .object({
    provider: z.enum(['none', 'openrouter', 'ollama'], { error: 'none, openrouter ou ollama' }),
    /** A new OpenRouter key; absent or empty keeps the stored one, null erases it. */
    apiKey: apiKey.nullable().optional(),
    ollamaUrl: httpUrl.optional(),
    model: z.string().trim().max(200, { error: '200 caractères au plus' }).nullable().optional(),
  })
  .strict();

/** Asks a provider for its models before the settings are saved: the key or URL typed in the form, or the stored one. */
export const aiModelsSchema = z
  .object({
    provider: z.enum(['openrouter', 'ollama'], { error: 'openrouter ou ollama' }),
    apiKey: apiKey.optional(),
    ollamaUrl: httpUrl.optional(),
  })
  .strict();

const LABELS = { provider: 'Fournisseur', apiKey: 'Clé API OpenRouter', ollamaUrl: 'URL Ollama', model: 'Modèle' };

/** What the browser sees: never the key, only whether one is stored and its first and last characters. */
export interface PublicAiSettings {
  provider: User['ai_provider'];
  model: string | null;
  ollamaUrl: string;
  apiKeyHint: string | null;
}

export function toPublicAiSettings(user: User, secret: string): PublicAiSettings {
  return {
    provider: user.ai_provider,
    model: user.ai_model,
    ollamaUrl: user.ai_ollama_url ?? DEFAULT_OLLAMA_URL,
    apiKeyHint: user.ai_api_key_enc ? credentialsHint(decryptCredentials(user.ai_api_key_enc, secret, user.id)) : null,
  };
}

function storedKey(user: User, secret: string): string | undefined {
  return user.ai_api_key_enc ? decryptCredentials(user.ai_api_key_enc, secret, user.id).apiKey : undefined;
}

/**
 * Saves the AI settings. Switching a provider on needs what it runs on (a key for OpenRouter) and a model; switching
 * both off keeps the key and URL, so switching back on needs nothing typed again.
 */
export async function saveAiSettings(
  user: User,
  input: unknown,
  options: { secret: string; allowedHosts: readonly string[] },
): Promise<User> {
  const { secret } = options;
  const data = parse(aiSettingsSchema, input, LABELS);
  const patch: Partial<User> = { ai_provider: data.provider };
  if (data.apiKey === null) patch.ai_api_key_enc = null;
  else if (data.apiKey) patch.ai_api_key_enc = encryptCredentials({ apiKey: data.apiKey }, secret, user.id);
  if (data.ollamaUrl !== undefined) {
    patch.ai_ollama_url = normaliseOllamaUrl((await checkOllamaUrlResolved(data.ollamaUrl, options.allowedHosts)).href);
  }
  if (data.model !== undefined) patch.ai_model = data.model || null;

  const keyAfter = patch.ai_api_key_enc !== undefined ? patch.ai_api_key_enc : user.ai_api_key_enc;
  const modelAfter = patch.ai_model !== undefined ? patch.ai_model : user.ai_model;
  if (data.provider === 'openrouter' && !keyAfter) {
    throw new ValidationError('Clé API OpenRouter : obligatoire pour activer OpenRouter', 'apiKey');
  }
  if (data.provider !== 'none' && !modelAfter) {
    throw new ValidationError('Modèle : choisissez un modèle dans la liste du fournisseur', 'model');
  }
  return User.query().patchAndFetchById(user.id, patch);
}

/** How to reach the provider of a models request: the form's values, else what is stored. */
export function connectionForModels(
  user: User,
  input: unknown,
  options: { secret: string; allowedHosts: readonly string[] },
): AiConnection {
  const { secret } = options;
  const data = parse(aiModelsSchema, input, LABELS);
  if (data.ollamaUrl !== undefined) checkOllamaUrl(data.ollamaUrl, options.allowedHosts);
  if (data.provider === 'openrouter') {
    const key = data.apiKey || storedKey(user, secret);
    if (!key) throw new ValidationError('Clé API OpenRouter : obligatoire', 'apiKey');
    return { provider: 'openrouter', apiKey: key };
  }
  return { provider: 'ollama', ollamaUrl: data.ollamaUrl ?? user.ai_ollama_url ?? DEFAULT_OLLAMA_URL };
}

/** The saved provider and model, or a clear refusal when the assistant is switched off. */
export function activeConnection(user: User, secret: string): { connection: AiConnection; model: string } {
  if (user.ai_provider === 'none' || !user.ai_model) {
    throw new ConflictError(
      "L'assistant IA est désactivé : activez OpenRouter ou Ollama et choisissez un modèle dans Mon Compte",
      undefined,
      'AI_DISABLED',
    );
  }
  if (user.ai_provider === 'openrouter') {
    return { connection: { provider: 'openrouter', apiKey: storedKey(user, secret) }, model: user.ai_model };
  }
  return {
    connection: { provider: 'ollama', ollamaUrl: user.ai_ollama_url ?? DEFAULT_OLLAMA_URL },
    model: user.ai_model,
  };
}
