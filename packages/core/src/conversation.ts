import { DEFAULT_TITLE } from './limits.js';
import type { ConversationMeta, Message, MessageInput, Usage } from './types.js';
import type { ScannedInput } from './scan.js';
import type { PreparedInput, PreparedMessage } from './validation.js';

function textOf(input: MessageInput): string {
  const message = input as Message; // read as JSON: parts or content, whatever the app's type says
  if (Array.isArray(message.parts)) {
    return message.parts
      .map((part: { type?: unknown; text?: unknown } | null | undefined) =>
        part?.type === 'text' ? String(part.text ?? '') : '',
      )
      .join(' ');
  }
  return typeof message.content === 'string' ? message.content : '';
}

/** The first user message's text (AI SDK `parts` or a `content` string), whitespace and control characters collapsed, lone surrogates replaced, max 100 chars; else "New Conversation". Takes the app's message type as it is (an AI SDK `UIMessage[]`). */
export function defaultTitle<M extends MessageInput>(messages: readonly M[]): string {
  for (const message of messages) {
    if (message.role !== 'user') continue;
    // A title is display text: control characters become spaces and lone surrogates U+FFFD.
    const text = (
      textOf(message)
        .replace(/[\s\0-\x1f\x7f]+/g, ' ')
        .trim() as string & { toWellFormed(): string }
    ).toWellFormed();
    // The first 100 code points (`u` flag; no line terminators are left), without splitting the whole text.
    if (text) return /^.{0,100}/u.exec(text)![0].trim();
  }
  return DEFAULT_TITLE;
}

/** The title to store: the given one, else the stored one, else (or when the stored one is the placeholder) the default from the messages. */
export function resolveTitle(
  given: string | undefined,
  stored: string | undefined,
  messages: readonly Message[],
): string {
  if (given !== undefined) return given;
  if (stored !== undefined && stored !== DEFAULT_TITLE) return stored;
  return defaultTitle(messages);
}

/** Adds a usage delta to totals; fields absent from both stay absent. */
export function addUsage(total: Usage | undefined, delta: Usage | undefined): Usage | undefined {
  if (!delta || Object.keys(delta).length === 0) return total;
  const out: Usage = { ...total };
  for (const [key, value] of Object.entries(delta) as [keyof Usage, number][]) {
    out[key] = (out[key] ?? 0) + value;
  }
  return out;
}

/** Index of the first incoming message that differs (by id and content) from the stored list; stored.length when it only extends it. */
export function firstChangedIndex(storedJson: readonly string[], incoming: readonly PreparedMessage[]): number {
  const n = Math.min(storedJson.length, incoming.length);
  for (let i = 0; i < n; i++) {
    if (storedJson[i] !== incoming[i]!.json) return i;
  }
  return n;
}

/** Sort order of `list`: updatedAt desc, then id desc (by UTF-16 code units, like `COLLATE "C"` on ASCII ids). */
export function compareForList(
  a: Pick<ConversationMeta, 'updatedAt' | 'id'>,
  b: Pick<ConversationMeta, 'updatedAt' | 'id'>,
): number {
  return b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** The meta an upsert writes at `time` over the stored one (undefined when new): given model, provider, usage and metadata replace the stored ones, the title is resolveTitle's, createdAt is kept, version + 1. */
export function upsertedMeta(
  input: PreparedInput | ScannedInput,
  stored: ConversationMeta | undefined,
  time: number,
): ConversationMeta {
  const messages = 'digests' in input.messages ? input.messages.messages : input.messages.map((m) => m.message);
  return cleanMeta({
    id: input.id,
    userId: input.userId,
    title: resolveTitle(input.title, stored?.title, messages),
    messageCount: messages.length,
    model: input.model ?? stored?.model,
    provider: input.provider ?? stored?.provider,
    usage: input.usage ?? stored?.usage,
    metadata: input.metadata ?? stored?.metadata,
    createdAt: stored?.createdAt ?? input.createdAt ?? time,
    updatedAt: time,
    version: (stored?.version ?? 0) + 1,
  });
}

/** Drops undefined optional fields so metas compare and serialize the same in every store. */
export function cleanMeta<T extends ConversationMeta>(meta: T): T {
  const out = { ...meta };
  for (const key of ['model', 'provider', 'usage', 'metadata'] as const) {
    if (out[key] == null) delete out[key];
  }
  return out;
}
