import type { LanguageModelUsage } from 'ai';
import { describe, expect, it } from 'vitest';
import { turnUsage } from '../src/index.js';

const usage = (fields: Partial<LanguageModelUsage>): LanguageModelUsage => ({
  inputTokens: undefined,
  inputTokenDetails: { noCacheTokens: undefined, cacheReadTokens: undefined, cacheWriteTokens: undefined },
  outputTokens: undefined,
  outputTokenDetails: { textTokens: undefined, reasoningTokens: undefined },
  totalTokens: undefined,
  ...fields,
});

describe('turnUsage', () => {
  it('maps the AI SDK usage to the store delta and prices it with the app cost function, told the model', () => {
    const seen: unknown[] = [];
    const delta = turnUsage(
      usage({
        inputTokens: 1000,
        inputTokenDetails: { noCacheTokens: 800, cacheReadTokens: 200, cacheWriteTokens: 0 },
        outputTokens: 50,
        outputTokenDetails: { textTokens: 30, reasoningTokens: 20 },
      }),
      {
        cost: (u, context) => (seen.push(context), (u.inputTokens! * 3 + u.outputTokens! * 15) / 1e6),
        durationMs: 812,
        model: 'gpt-x',
        provider: 'openai',
      },
    );
    expect(delta).toEqual({
      inputTokens: 1000,
      outputTokens: 50,
      reasoningTokens: 20,
      cachedTokens: 200,
      costUsd: 0.00375,
      durationMs: 812,
    });
    expect(seen).toEqual([{ model: 'gpt-x', provider: 'openai' }]);
  });

  it('leaves out what the provider did not report instead of storing 0, and reads the older usage fields', () => {
    expect(turnUsage(usage({ outputTokens: 7 }))).toEqual({ outputTokens: 7 });
    expect(turnUsage(usage({ reasoningTokens: 4, cachedInputTokens: 9 }))).toEqual({
      reasoningTokens: 4,
      cachedTokens: 9,
    });
  });
});
