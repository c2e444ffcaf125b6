import { addUsage, cleanMeta, DEFAULT_TITLE, type ConversationMeta, type Usage } from '@agent-conversations/core';
import { KIND } from './queries.js';

/** A row as stateQuery returns it (64-bit integers may arrive as strings over HTTP). */
export interface StateRow {
  id: string;
  s_generation: string;
  s_ver: number | string;
  s_version: number | string;
  s_created_at: number | string;
  s_updated_at: number | string;
  s_message_count: number | string;
  s_usage_deltas: Record<string, number>[];
  s_title_event: string;
  s_last_seq: number | string;
  s_event_seq: number | string;
  s_body: string;
  s_duplicates?: string[];
}

/** What the head row's `body` holds. */
export interface HeadBody {
  title: string;
  model?: string;
  provider?: string;
  usage?: Usage;
  metadata?: Record<string, unknown>;
}

/** A live conversation as the store sees it: its meta plus the bookkeeping a write needs. */
export interface ConversationState {
  meta: ConversationMeta;
  generation: string;
  /** Version of the head row. */
  headVer: number;
  /** Highest message seq written in this generation. */
  lastSeq: number;
  /** Highest event seq seen: a head written now folds every event up to it. */
  eventSeq: number;
}

/** A row as inserted; every column has a value so the JSON is complete. */
export interface Row {
  user_id: string;
  conversation_id: string;
  kind: number;
  generation: string;
  seq: number;
  row_id: string;
  ver: number;
  is_deleted: number;
  created_at: number;
  updated_at: number;
  base_seq: number;
  last_seq: number;
  message_count: number;
  usage: Record<string, number>;
  fp: string;
  body: string;
}

/** A row with defaults for every column not given. */
export function row(fields: Pick<Row, 'user_id' | 'conversation_id' | 'kind' | 'generation' | 'ver'> & Partial<Row>): Row {
  return { seq: 0, row_id: '', is_deleted: 0, created_at: 0, updated_at: 0, base_seq: 0, last_seq: 0, message_count: 0, usage: {}, fp: '', body: '', ...fields };
}

/** The head row for a conversation: the meta as of this write, folding every event up to `eventSeq`. */
export function headRow(userId: string, state: { meta: ConversationMeta; generation: string; lastSeq: number; eventSeq: number }, ver: number): Row {
  const { meta } = state;
  const body: HeadBody = { title: meta.title, model: meta.model, provider: meta.provider, usage: meta.usage, metadata: meta.metadata };
  return row({
    user_id: userId,
    conversation_id: meta.id,
    kind: KIND.head,
    generation: state.generation,
    ver,
    created_at: meta.createdAt,
    updated_at: meta.updatedAt,
    base_seq: state.eventSeq,
    last_seq: state.lastSeq,
    message_count: meta.messageCount,
    body: JSON.stringify(body),
  });
}

/** Turns a stateQuery row into the conversation's meta and bookkeeping. */
export function toState(userId: string, r: StateRow): ConversationState {
  const head = JSON.parse(r.s_body) as HeadBody;
  const candidate = r.s_title_event ? (JSON.parse(r.s_title_event) as { title?: string }).title : undefined;
  const title = head.title !== DEFAULT_TITLE ? head.title : (candidate ?? DEFAULT_TITLE);
  // Deltas are added in write order, the same additions the memory store makes.
  const usage = r.s_usage_deltas.reduce<Usage | undefined>((total, delta) => addUsage(total, delta), head.usage);
  const meta = cleanMeta({
    id: r.id,
    userId,
    title,
    messageCount: Number(r.s_message_count),
    model: head.model,
    provider: head.provider,
    usage,
    metadata: head.metadata,
    createdAt: Number(r.s_created_at),
    updatedAt: Number(r.s_updated_at),
    version: Number(r.s_version),
  });
  return { meta, generation: r.s_generation, headVer: Number(r.s_ver), lastSeq: Number(r.s_last_seq), eventSeq: Number(r.s_event_seq) };
}
