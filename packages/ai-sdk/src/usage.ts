import type { Usage } from '@agent-conversations/core';
import type { LanguageModelUsage } from 'ai';

/** What a cost function is told besides the usage: the model and provider the turn is saved with. */
export interface CostContext {
  model?: string;
  provider?: string;
}

/** The app's price of one turn in US dollars, from the AI SDK usage (e.g. tokens times the model's rate). */
export type CostFunction = (usage: LanguageModelUsage, context: CostContext) => number;

/** Options of {@link turnUsage}. */
export interface TurnUsageOptions extends CostContext {
  /** Prices the turn; its result is stored as `costUsd`. */
  cost?: CostFunction;
  /** Wall time of the turn, stored as `durationMs`. */
  durationMs?: number;
}

/**
 * The store usage delta of one turn from the AI SDK usage (`await result.totalUsage`): input, output,
 * reasoning and cache-read tokens, `costUsd` from the app's cost function, and `durationMs` when given.
 * Counts the provider did not report are left out rather than stored as 0.
 */
export function turnUsage(usage: LanguageModelUsage, options: TurnUsageOptions = {}): Usage {
  const { cost, durationMs, ...context } = options;
  const delta: Usage = {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    reasoningTokens: usage.outputTokenDetails?.reasoningTokens ?? usage.reasoningTokens,
    cachedTokens: usage.inputTokenDetails?.cacheReadTokens ?? usage.cachedInputTokens,
    costUsd: cost?.(usage, context),
    durationMs,
  };
  for (const key of Object.keys(delta) as (keyof Usage)[]) if (delta[key] === undefined) delete delta[key];
  return delta;
}
