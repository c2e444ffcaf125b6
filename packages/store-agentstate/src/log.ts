import { addUsage, type Message, type PreparedMessage, type Usage } from '@agent-conversations/core';
import type { ApiMessage, ApiMessageInput, ApiRole } from './wire.js';

/**
 * What a write changes besides adding messages; carried by the first entry of its batch.
 * `t` title after the write, `cut` logical length to truncate to before the batch's messages, `set` fields replaced
 * (`metadata` as JSON text, so any key survives), `add` a usage delta.
 */
export interface Op {
  t: string;
  cut?: number;
  set?: { model?: string; provider?: string; usage?: Usage; metadata?: string; createdAt?: number };
  add?: Usage;
}

/** The `acs` object in each entry's metadata: the write id, the verbatim message as JSON text, the op on a batch's first entry. */
interface EntryTag {
  v: 1;
  w: string;
  j?: string;
  o?: Op;
}

/** A conversation rebuilt from its entries. */
export interface LogState {
  messages: Message[];
  /** Each message's exact JSON, for change detection. */
  json: string[];
  /** Undefined when no entry of this store recorded one (a conversation written by other tools). */
  title?: string;
  model?: string;
  provider?: string;
  usage?: Usage;
  metadata?: Record<string, unknown>;
  createdAt?: number;
  /** Write ids seen, to recognise a write whose response was lost. */
  writes: Set<string>;
}

const ROLES = new Set<string>(['system', 'user', 'assistant', 'tool']);
const CONTENT_LIMIT = 8000;
const UNSAFE = /[\u0000]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function tagOf(entry: ApiMessage): EntryTag | null {
  const tag = entry.metadata?.acs as Partial<EntryTag> | undefined;
  return tag && tag.v === 1 && typeof tag.w === 'string' ? (tag as EntryTag) : null;
}

/** A readable, never-empty text rendering of a message for the API's `content` (text parts, else the part types). */
export function renderContent(message: Message): string {
  const parts = Array.isArray(message.parts) ? (message.parts as unknown[]) : [];
  const texts = parts
    .map((p) => (p && typeof p === 'object' && (p as { type?: unknown }).type === 'text' ? (p as { text?: unknown }).text : undefined))
    .filter((t): t is string => typeof t === 'string' && t.length > 0);
  if (texts.length === 0 && typeof message.content === 'string' && message.content.length > 0) texts.push(message.content);
  let text = texts.join('\n');
  if (text.length === 0) {
    const types = parts.map((p) => (p && typeof p === 'object' ? String((p as { type?: unknown }).type ?? 'part') : typeof p));
    text = `[${message.role}${types.length ? `: ${types.join(', ')}` : ' message'}]`;
  }
  if (text.length > CONTENT_LIMIT) text = `${text.slice(0, CONTENT_LIMIT)}…`;
  return text.replace(UNSAFE, '\ufffd');
}

function describe(op: Op): string {
  const changes = [op.cut !== undefined ? `messages from #${op.cut + 1} replaced` : '', op.set || op.add ? 'conversation details updated' : ''].filter(Boolean);
  return `[agent-conversations] ${changes.join('; ') || 'conversation saved'}`;
}

/** The entries one write posts: its messages (or one `system` entry when it has none); the first carries the op and `token_count` 1, so the conversation's `token_count` counts writes. */
export function encodeBatch(messages: readonly PreparedMessage[], op: Op, w: string): ApiMessageInput[] {
  if (messages.length === 0) return [{ role: 'system', content: describe(op), metadata: { acs: { v: 1, w, o: op } }, token_count: 1 }];
  return messages.map(({ message, json }, i) => ({
    role: (ROLES.has(message.role) ? message.role : 'assistant') as ApiRole,
    content: renderContent(message),
    metadata: { acs: i === 0 ? { v: 1, w, j: json, o: op } : { v: 1, w, j: json } },
    token_count: i === 0 ? 1 : 0,
  }));
}

function foreign(entry: ApiMessage): Message {
  return { id: entry.id, role: entry.role, parts: [{ type: 'text', text: entry.content }] };
}

function apply(state: LogState, op: Op): void {
  if (op.cut !== undefined && op.cut < state.messages.length) {
    state.messages.length = op.cut;
    state.json.length = op.cut;
  }
  state.title = op.t;
  const set = op.set;
  if (set) {
    if (set.model !== undefined) state.model = set.model;
    if (set.provider !== undefined) state.provider = set.provider;
    if (set.usage !== undefined) state.usage = set.usage;
    if (set.metadata !== undefined) state.metadata = JSON.parse(set.metadata) as Record<string, unknown>;
    if (set.createdAt !== undefined) state.createdAt = set.createdAt;
  }
  if (op.add) state.usage = addUsage(state.usage, op.add);
}

/** A fresh state with nothing written. */
export function emptyState(): LogState {
  return { messages: [], json: [], writes: new Set() };
}

/** The state after a write, computed locally from the state it read (what the entries will replay to). */
export function advance(before: LogState, op: Op, messages: readonly PreparedMessage[], w: string): LogState {
  const state: LogState = { ...before, messages: [...before.messages], json: [...before.json], writes: new Set(before.writes).add(w) };
  apply(state, op);
  for (const { message, json } of messages) {
    state.messages.push(message);
    state.json.push(json);
  }
  return state;
}

/** Replays entries in the API's chronological order; a batch posted twice (a retried write) counts once, entries of other tools become text messages. */
export function fold(entries: readonly ApiMessage[]): LogState {
  const state = emptyState();
  const duplicate = new Set<string>();
  for (const entry of entries) {
    const tag = tagOf(entry);
    if (!tag) {
      const message = foreign(entry);
      state.messages.push(message);
      state.json.push(JSON.stringify(message));
      continue;
    }
    if (tag.o) {
      if (state.writes.has(tag.w)) duplicate.add(tag.w);
      state.writes.add(tag.w);
    }
    if (duplicate.has(tag.w)) continue;
    if (tag.o) apply(state, tag.o);
    if (typeof tag.j === 'string') {
      state.messages.push(JSON.parse(tag.j) as Message);
      state.json.push(tag.j);
    }
  }
  return state;
}
