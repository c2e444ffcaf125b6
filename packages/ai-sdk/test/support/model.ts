import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { MockLanguageModelV3, convertArrayToReadableStream } from 'ai/test';

/** Token counts of every reply of {@link replyModel}. */
export const TURN = { input: 40, cacheRead: 10, output: 12, reasoning: 3 } as const;

/** The AI SDK's mock model, replying "reply N to: <last user text>" with {@link TURN} usage; `gate` holds the stream open until it resolves. */
export function replyModel(gate?: () => Promise<void>): MockLanguageModelV3 {
  const model: MockLanguageModelV3 = new MockLanguageModelV3({
    provider: 'test',
    modelId: 'mock-reply',
    doStream: async ({ prompt }) => {
      const n = model.doStreamCalls.length;
      const last = [...prompt].reverse().find((m) => m.role === 'user');
      const text =
        last && Array.isArray(last.content) ? last.content.map((p) => (p.type === 'text' ? p.text : '')).join('') : '';
      if (gate) await gate();
      const parts: LanguageModelV3StreamPart[] = [
        { type: 'stream-start', warnings: [] },
        { type: 'text-start', id: 't' },
        { type: 'text-delta', id: 't', delta: `reply ${n} ` },
        { type: 'text-delta', id: 't', delta: `to: ${text}` },
        { type: 'text-end', id: 't' },
        {
          type: 'finish',
          finishReason: { unified: 'stop', raw: 'stop' },
          usage: {
            inputTokens: {
              total: TURN.input,
              noCache: TURN.input - TURN.cacheRead,
              cacheRead: TURN.cacheRead,
              cacheWrite: 0,
            },
            outputTokens: { total: TURN.output, text: TURN.output - TURN.reasoning, reasoning: TURN.reasoning },
          },
        },
      ];
      return { stream: convertArrayToReadableStream(parts) };
    },
  });
  return model;
}
