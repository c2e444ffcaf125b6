import { cleanMeta, type ConversationMeta, type Usage } from '@agent-conversations/core';
import { KIND } from './queries.js';

/** What the head row's body holds: the meta plus what the next write needs. */
export interface Head {
  id: string;
  title: string;
  model?: string;
  provider?: string;
  usage?: Usage;
  metadata?: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
  version: number;
  messageCount: number;
  /** The slot of the write that wrote this head. */
  slot: number;
  /** Id of the write that wrote this head. */
  writeId: string;
  /** core's `scanMessages` digests of the message list without its last message and of the whole list. */
  chain: [number, number];
}

/** The state a write starts from. */
export interface Snapshot {
  /** Slot of the last write to this conversation id (0 when it was never written). */
  slot: number;
  /** The live head, or null when the conversation does not exist (never created, or deleted). */
  head: Head | null;
  /** Every stored message id (when known), or only those asked about. */
  ids: ReadonlySet<string>;
  /** True when `ids` holds every message id of the conversation. */
  allIds: boolean;
}

/** A row as inserted; every column has a value so the JSON is complete. */
export interface Row {
  user_id: string;
  kind: number;
  conversation_id: string;
  /** Message: its position; event: the slot; head: 0. */
  seq: number;
  ver: number;
  is_deleted: number;
  message_id: string;
  updated_at: number;
  body: string;
}

/** The meta a head describes. */
export function metaOf(userId: string, head: Head): ConversationMeta {
  const { id, title, model, provider, usage, metadata, createdAt, updatedAt, version, messageCount } = head;
  return cleanMeta({
    id,
    userId,
    title,
    messageCount,
    model,
    provider,
    usage,
    metadata,
    createdAt,
    updatedAt,
    version,
  });
}

/** A row of the conversation at key (kind, seq), written by the write in `slot`: message, head or event. */
export function row(
  userId: string,
  id: string,
  kind: number,
  seq: number,
  slot: number,
  fields: Partial<Pick<Row, 'message_id' | 'updated_at' | 'body' | 'is_deleted'>> = {},
): Row {
  return {
    user_id: userId,
    kind,
    conversation_id: id,
    seq,
    ver: slot,
    is_deleted: 0,
    message_id: '',
    updated_at: 0,
    body: '',
    ...fields,
  };
}

/** The head row for a head. */
export function headRow(userId: string, head: Head): Row {
  return row(userId, head.id, KIND.head, 0, head.slot, { updated_at: head.updatedAt, body: JSON.stringify(head) });
}

/** A tombstone for one key, written by the write in `slot` (newer than every earlier row of that key). */
export function tombstone(userId: string, id: string, kind: number, seq: number, slot: number): Row {
  return row(userId, id, kind, seq, slot, { is_deleted: 1 });
}
