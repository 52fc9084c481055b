import type { ValidationResult } from './strategies';

export type AiProviderChoice = 'none' | 'openrouter' | 'ollama';

export interface AiSettings {
  provider: AiProviderChoice;
  model: string | null;
  ollamaUrl: string;
  /** First and last characters of the stored OpenRouter key, or null when none is stored. */
  apiKeyHint: string | null;
}

export interface AiModel {
  id: string;
  name: string;
  detail: string | null;
}

export interface StrategyProposal {
  code: string;
  explanation: string;
  validation: ValidationResult;
  attempts: number;
}
