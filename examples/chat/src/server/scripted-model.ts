import type {
  LanguageModelV3,
  LanguageModelV3FinishReason,
  LanguageModelV3Prompt,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';

/** Options of {@link createScriptedModel}. */
export interface ScriptedModelOptions {
  /** Pause between streamed words, so a person sees the reply arrive; default 15 ms. */
  delayMs?: number;
}

const STOP: LanguageModelV3FinishReason = { unified: 'stop', raw: 'stop' };

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function textOf(message: LanguageModelV3Prompt[number]): string {
  if (typeof message.content === 'string') return message.content;
  return message.content.map((part) => (part.type === 'text' ? part.text : '')).join(' ');
}

/** The reply to a prompt: it quotes the last user message and counts the turns, so every answer is predictable. */
export function scriptedReply(prompt: LanguageModelV3Prompt): string {
  const turns = prompt.filter((m) => m.role === 'user');
  const last =
    turns.length > 0
      ? textOf(turns[turns.length - 1]!)
          .replace(/\s+/g, ' ')
          .trim()
      : '';
  const quoted = last.length > 80 ? `${last.slice(0, 80)}…` : last;
  const opening = turns.length === 1 ? 'Hello! ' : '';
  return (
    `${opening}You said: "${quoted}".\n\n` +
    `I am a **scripted model** inside this server (no network, no API key); this is my reply number ${turns.length} in this conversation.\n\n` +
    '- It streams in word by word, and **Stop** keeps what has arrived.\n' +
    '- Once it is complete, the server saves the turn through the store:\n\n' +
    '```ts\nawait saveChat(store, { chat, messages, usage });\n```\n'
  );
}

function usageOf(prompt: LanguageModelV3Prompt, reply: string): LanguageModelV3Usage {
  const input = prompt.reduce((sum, message) => sum + words(textOf(message)), 0);
  const output = words(reply);
  return {
    inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: output, text: output, reasoning: 0 },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A local AI SDK language model (LanguageModelV3) that streams a scripted reply: no network, no key. */
export function createScriptedModel({ delayMs = 15 }: ScriptedModelOptions = {}): LanguageModelV3 {
  return {
    specificationVersion: 'v3',
    provider: 'local',
    modelId: 'scripted-demo',
    supportedUrls: {},

    async doGenerate({ prompt }) {
      const text = scriptedReply(prompt);
      return { content: [{ type: 'text', text }], finishReason: STOP, usage: usageOf(prompt, text), warnings: [] };
    },

    async doStream({ prompt, abortSignal }) {
      const text = scriptedReply(prompt);
      const pieces = text.match(/\s*\S+\s*/g) ?? [];
      const stream = new ReadableStream<LanguageModelV3StreamPart>({
        async start(controller) {
          controller.enqueue({ type: 'stream-start', warnings: [] });
          controller.enqueue({ type: 'response-metadata', modelId: 'scripted-demo' });
          controller.enqueue({ type: 'text-start', id: 'reply' });
          for (const delta of pieces) {
            if (abortSignal?.aborted) break;
            if (delayMs > 0) await sleep(delayMs);
            controller.enqueue({ type: 'text-delta', id: 'reply', delta });
          }
          controller.enqueue({ type: 'text-end', id: 'reply' });
          controller.enqueue({ type: 'finish', finishReason: STOP, usage: usageOf(prompt, text) });
          controller.close();
        },
      });
      return { stream };
    },
  };
}
