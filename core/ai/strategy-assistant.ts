import { UpstreamError } from '../errors';
import type { ValidationResult } from '../sandbox/validate';
import { z } from '../validation';
import type { AiClient, ChatMessage } from './ai-client';
import { extractCode, repairRequest, strategyRequest } from './strategy-prompt';

/** The body of `POST /api/ai/strategy`: what the user asks for, and the code to start from. */
export const proposalSchema = z.object({
  prompt: z
    .string({ error: 'obligatoire' })
    .trim()
    .min(3, { error: 'décrivez la stratégie voulue' })
    .max(4000, { error: '4000 caractères au plus' }),
  code: z.string().max(100_000, { error: '100 000 caractères au plus' }).optional(),
});

export interface StrategyProposal {
  code: string;
  explanation: string;
  /** The sandbox's verdict on `code`: the user may accept the proposal only when it is ok. */
  validation: ValidationResult;
  /** Model calls made: 2 when the first proposal was refused by the sandbox and the model corrected it. */
  attempts: number;
}

/** How many times the model sees the sandbox's error and tries again. */
const REPAIRS = 1;

/**
 * Asks the model for a strategy, then runs it through the same validation as "Tester la syntaxe". A proposal the
 * sandbox refuses goes back to the model once with the error; what is returned always carries the verdict.
 */
export async function proposeStrategy(
  client: AiClient,
  input: {
    model: string;
    prompt: string;
    code?: string;
    /** The sandbox's check ("Tester la syntaxe"), run off the caller's event loop. */
    validate(code: string): Promise<ValidationResult>;
    signal?: AbortSignal;
  },
): Promise<StrategyProposal> {
  const messages: ChatMessage[] = strategyRequest(input.prompt, input.code);
  let proposal: StrategyProposal | null = null;
  for (let attempt = 1; attempt <= REPAIRS + 1; attempt++) {
    const reply = await client.complete(input.model, messages, input.signal);
    const extracted = extractCode(reply);
    if (!extracted) {
      if (proposal) return proposal;
      throw new UpstreamError(
        'AI_NO_CODE',
        "L'assistant IA n'a pas proposé de code : reformulez la demande en décrivant les conditions d'achat et de vente",
        'error',
      );
    }
    const validation = await input.validate(extracted.code);
    proposal = { ...extracted, validation, attempts: attempt };
    if (validation.ok) return proposal;
    messages.push({ role: 'assistant', content: reply }, repairRequest(validation.error));
  }
  return proposal!;
}
