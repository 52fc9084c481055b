import type { z } from 'zod';
import type { aiModelsSchema, aiSettingsSchema, PublicAiSettings } from '@core/ai/ai-settings';
import type { proposalSchema } from '@core/ai/strategy-assistant';

export type { AiModel } from '@core/ai/ai-client';
export type { StrategyProposal } from '@core/ai/strategy-assistant';
export type { PublicAiSettings as AiSettings };

export type AiProviderChoice = PublicAiSettings['provider'];
/** The body of `PUT /api/ai/settings`. */
export type AiSettingsBody = z.input<typeof aiSettingsSchema>;
/** The body of `POST /api/ai/models`: the provider to ask, with what the form holds to reach it. */
export type AiModelsBody = z.input<typeof aiModelsSchema>;
/** The body of `POST /api/ai/strategy`. */
export type ProposalBody = z.input<typeof proposalSchema>;
