import { addUsage, type Message, type PreparedMessage, type Usage } from '@agent-conversations/core';
import type { ApiMessage, ApiMessageInput, ApiRole } from './wire.js';

/**
 * What a write changes besides adding messages; carried by the first entry of its batch.
 * `t` the new title (only when it changes), `cut` logical length to truncate to before the write's messages, `set`
 * fields replaced (`metadata` as JSON text, so any key survives), `add` a usage delta, `a` an append (a message whose id
 * is already there is skipped, so a late duplicate of an append never doubles a message).
 */
export interface Op {
  /** The version the writer read, and the latest commit time it saw: a write always sorts after every write it saw. */
  v?: number;
  h?: number;
  t?: string;
  cut?: number;
  set?: { model?: string; provider?: string; usage?: Usage; metadata?: string; createdAt?: number };
  add?: Usage;
  a?: 1;
}

/** The `acs` object in each entry's metadata: write id, index in the write, entry count, the message as JSON text, the op on entry 0. */
export interface EntryTag {
  v: 2;
  w: string;
  i: number;
  n: number;
  j?: string;
  o?: Op;
}

/** A conversation rebuilt from its entries. */
export interface LogState {
  messages: Message[];
  /** Each message's exact JSON, for change detection. */
  json: string[];
  /** Undefined when no write recorded one. */
  title?: string;
  model?: string;
  provider?: string;
  usage?: Usage;
  metadata?: Record<string, unknown>;
  createdAt?: number;
  /** Complete writes: 0 means nothing was ever committed. */
  version: number;
  /** Sort key of the latest write applied: its commit time, never before a write it saw (0 when none). */
  at: number;
  /** `updatedAt`: when the latest complete write landed, i.e. the `created_at` of its last request (0 when none). */
  updatedAt: number;
  /** Entry indexes seen per write id, complete or not, to resume a write whose response was lost. */
  writes: Map<string, Set<number>>;
}

const ROLES = new Set<string>(['system', 'user', 'assistant', 'tool']);
const CONTENT_LIMIT = 8000;
const UNSAFE = /[\u0000]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function tagOf(entry: ApiMessage): EntryTag | null {
  const tag = entry.metadata?.acs as Partial<EntryTag> | undefined;
  if (!tag || tag.v !== 2 || typeof tag.w !== 'string' || !Number.isInteger(tag.i) || !Number.isInteger(tag.n))
    return null;
  return tag as EntryTag;
}

/** A readable, never-empty text rendering of a message for the API's `content` (text parts, else the part types). */
export function renderContent(message: Message): string {
  const parts = Array.isArray(message.parts) ? (message.parts as unknown[]) : [];
  const texts = parts
    .map((p) =>
      p && typeof p === 'object' && (p as { type?: unknown }).type === 'text'
        ? (p as { text?: unknown }).text
        : undefined,
    )
    .filter((t): t is string => typeof t === 'string' && t.length > 0);
  if (texts.length === 0 && typeof message.content === 'string' && message.content.length > 0)
    texts.push(message.content);
  let text = texts.join('\n');
  if (text.length === 0) {
    const types = parts.map((p) =>
      p && typeof p === 'object' ? String((p as { type?: unknown }).type ?? 'part') : typeof p,
    );
    text = `[${message.role}${types.length ? `: ${types.join(', ')}` : ' message'}]`;
  }
  if (text.length > CONTENT_LIMIT) text = `${text.slice(0, CONTENT_LIMIT)}…`;
  return text.replace(UNSAFE, '\ufffd');
}

function describe(op: Op): string {
  const changes = [
    op.cut !== undefined ? `messages from #${op.cut + 1} replaced` : '',
    op.t !== undefined || op.set || op.add ? 'conversation details updated' : '',
  ].filter(Boolean);
  return `[agent-conversations] ${changes.join('; ') || 'conversation saved'}`;
}

/** The entries one write posts: its messages (or one `system` entry when it has none); entry 0 carries the op and `token` as its token_count. */
export function encodeWrite(messages: readonly PreparedMessage[], op: Op, w: string, token: number): ApiMessageInput[] {
  if (messages.length === 0)
    return [
      { role: 'system', content: describe(op), metadata: { acs: { v: 2, w, i: 0, n: 1, o: op } }, token_count: token },
    ];
  const n = messages.length;
  return messages.map(({ message, json }, i) => ({
    role: (ROLES.has(message.role) ? message.role : 'assistant') as ApiRole,
    content: renderContent(message),
    metadata: { acs: i === 0 ? { v: 2, w, i, n, j: json, o: op } : { v: 2, w, i, n, j: json } },
    token_count: i === 0 ? token : 0,
  }));
}

function foreign(entry: ApiMessage): Message {
  return { id: entry.id, role: entry.role, parts: [{ type: 'text', text: entry.content }] };
}

function push(state: LogState, message: Message, json: string): void {
  state.messages.push(message);
  state.json.push(json);
}

function apply(state: LogState, op: Op): void {
  if (op.cut !== undefined && op.cut < state.messages.length) {
    state.messages.length = op.cut;
    state.json.length = op.cut;
  }
  if (op.t !== undefined) state.title = op.t;
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
  return { messages: [], json: [], version: 0, at: 0, updatedAt: 0, writes: new Map() };
}

/** Applies one write's op and messages to a state (in place). */
function applyWrite(state: LogState, op: Op, messages: readonly { message: Message; json: string }[]): void {
  apply(state, op);
  const ids = op.a ? new Set(state.messages.map((m) => m.id)) : null;
  for (const { message, json } of messages) if (!ids?.has(message.id)) push(state, message, json);
  state.version += 1;
}

/** The state after a write, computed locally from the state it read (what the entries replay to once committed). */
export function advance(before: LogState, op: Op, messages: readonly PreparedMessage[]): LogState {
  const state: LogState = { ...before, messages: [...before.messages], json: [...before.json], writes: before.writes };
  applyWrite(state, op, messages);
  return state;
}

/** One complete write (or one entry of another tool) as replay orders and applies it. */
export interface Write {
  /** Commit time: the latest created_at among the write's entries (when its last request landed), never before what the writer saw. */
  at: number;
  /** The latest created_at among the write's entries: the conversation's updated_at once it landed. */
  landed: number;
  /** The version the writer read: of two writes in one millisecond, the one that saw the other goes second. */
  base: number;
  /** The write id (or the entry id of another tool's message). */
  key: string;
  /** What it changes; null for another tool's message. */
  op: Op | null;
  messages: { message: Message; json: string }[];
  /** The server ids of its entries, by index. */
  ids: string[];
}

/** Commit order: time, then the version read, then the key. */
export function compareWrites(a: Pick<Write, 'at' | 'base' | 'key'>, b: Pick<Write, 'at' | 'base' | 'key'>): number {
  return a.at - b.at || a.base - b.base || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** Applies a write (in place) and makes it the latest. */
export function applyTo(state: LogState, write: Write): void {
  if (write.op) applyWrite(state, write.op, write.messages);
  else push(state, write.messages[0]!.message, write.messages[0]!.json);
  state.at = write.at;
  state.updatedAt = write.landed;
}

/** One parsed entry of a write: its tag, created_at and server id. */
export interface Part {
  tag: EntryTag;
  at: number;
  id: string;
}

/** Groups entries by write id, keeping the first copy of each index (a batch posted twice counts once); other tools' entries apart. */
export function groupEntries(entries: readonly ApiMessage[]): {
  groups: Map<string, { n: number; parts: Map<number, Part> }>;
  foreign: Write[];
} {
  const groups = new Map<string, { n: number; parts: Map<number, Part> }>();
  const others: Write[] = [];
  for (const entry of entries) {
    const tag = tagOf(entry);
    const at = entry.created_at ?? 0;
    if (!tag) {
      const message = foreign(entry);
      others.push({
        at,
        landed: at,
        base: 0,
        key: entry.id,
        op: null,
        messages: [{ message, json: JSON.stringify(message) }],
        ids: [entry.id],
      });
      continue;
    }
    const group = groups.get(tag.w) ?? { n: tag.n, parts: new Map<number, Part>() };
    groups.set(tag.w, group);
    const seen = group.parts.get(tag.i);
    if (!seen || at < seen.at) group.parts.set(tag.i, { tag, at, id: entry.id });
  }
  return { groups, foreign: others };
}

/** A write from all its entries (index order). */
export function writeOf(key: string, parts: readonly Part[]): Write {
  const op = parts[0]!.tag.o ?? {};
  const messages = parts
    .filter((p) => typeof p.tag.j === 'string')
    .map((p) => ({ message: JSON.parse(p.tag.j!) as Message, json: p.tag.j! }));
  const landed = Math.max(...parts.map((p) => p.at));
  return { at: Math.max(op.h ?? 0, landed), landed, base: op.v ?? 0, key, op, messages, ids: parts.map((p) => p.id) };
}

/** The complete writes among the entries, in commit order; `seen` has every write id's stored indexes, complete or not. */
export function writesOf(entries: readonly ApiMessage[]): { writes: Write[]; seen: Map<string, Set<number>> } {
  const { groups, foreign: writes } = groupEntries(entries);
  const seen = new Map<string, Set<number>>();
  for (const [w, group] of groups) {
    seen.set(w, new Set(group.parts.keys()));
    const parts = Array.from({ length: group.n }, (_, i) => group.parts.get(i));
    if (parts.every((p) => p !== undefined)) writes.push(writeOf(w, parts as Part[]));
  }
  return { writes: writes.sort(compareWrites), seen };
}

/**
 * Replays entries in any order the API returns them. A write counts once all its `n` entries are there (a batch
 * posted twice counts once); incomplete writes are invisible. Writes apply in commit order (time, never before a write
 * they saw; then the version they read; then write id), a write's messages in its own sequence; entries of other tools
 * become text messages at their created_at.
 */
export function fold(entries: readonly ApiMessage[]): LogState {
  const state = emptyState();
  const { writes, seen } = writesOf(entries);
  state.writes = seen;
  for (const write of writes) applyTo(state, write);
  return state;
}

/** The latest created_at of entries `from`..`from + count - 1` of write `w` when all of them are stored, else null. */
export function landedAt(entries: readonly ApiMessage[], w: string, from: number, count: number): number | null {
  const found = new Map<number, number>();
  for (const entry of entries) {
    const tag = tagOf(entry);
    if (tag?.w === w && tag.i >= from && tag.i < from + count) found.set(tag.i, entry.created_at ?? 0);
  }
  return found.size === count ? Math.max(...found.values()) : null;
}
