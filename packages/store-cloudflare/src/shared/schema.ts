/** One versioned schema step: its wrangler file name and its SQL statements. */
export interface Migration {
  /** File name under `migrations/`, as wrangler records it in `d1_migrations`. */
  name: string;
  /** Statements in order, without trailing semicolons. */
  statements: readonly string[];
}

/** Table of conversations (one row per user and conversation). */
export const CONVERSATIONS_TABLE = 'agent_conversations';
/** Table of messages (one row per message, ordered by `seq`). */
export const MESSAGES_TABLE = 'agent_conversation_messages';

/**
 * Every schema step, oldest first. D1 and the Durable Object share it (both are SQLite);
 * `migrations/*.sql` holds the same statements in wrangler's format (a test keeps them equal).
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    name: '0001_init.sql',
    statements: [
      `CREATE TABLE IF NOT EXISTS agent_conversations (
  user_id TEXT NOT NULL,
  id TEXT NOT NULL,
  title TEXT NOT NULL,
  default_title TEXT NOT NULL,
  message_count INTEGER NOT NULL,
  model TEXT,
  provider TEXT,
  has_usage INTEGER NOT NULL DEFAULT 0,
  input_tokens REAL,
  output_tokens REAL,
  reasoning_tokens REAL,
  cached_tokens REAL,
  cost_usd REAL,
  duration_ms REAL,
  metadata TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  version INTEGER NOT NULL,
  write_token TEXT,
  PRIMARY KEY (user_id, id)
)`,
      `CREATE INDEX IF NOT EXISTS agent_conversations_by_update ON agent_conversations (user_id, updated_at DESC, id DESC)`,
      `CREATE TABLE IF NOT EXISTS agent_conversation_messages (
  user_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  message_id TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (user_id, conversation_id, seq)
)`,
      `CREATE UNIQUE INDEX IF NOT EXISTS agent_conversation_messages_by_id ON agent_conversation_messages (user_id, conversation_id, message_id)`,
    ],
  },
  {
    // scanMessages' digest of the first prefix_count messages (upsert writes it, append leaves it): an upsert of a list that
    // starts with the stored messages compares this one number instead of reading a fingerprint per message.
    name: '0002_prefix_digest.sql',
    statements: [
      `ALTER TABLE agent_conversations ADD COLUMN prefix_count INTEGER NOT NULL DEFAULT 0`,
      `ALTER TABLE agent_conversations ADD COLUMN prefix_digest INTEGER`,
    ],
  },
];
