-- @agent-conversations/store-cloudflare schema, step 1: conversations and their messages.
-- Applied by `agent-conversations-cloudflare migrate` (wrangler d1 migrations apply) or by migrateD1() from code.
-- The same statements live in src/shared/schema.ts (the Durable Object applies them itself).

CREATE TABLE IF NOT EXISTS agent_conversations (
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
);

CREATE INDEX IF NOT EXISTS agent_conversations_by_update ON agent_conversations (user_id, updated_at DESC, id DESC);

CREATE TABLE IF NOT EXISTS agent_conversation_messages (
  user_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  message_id TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (user_id, conversation_id, seq)
);

CREATE UNIQUE INDEX IF NOT EXISTS agent_conversation_messages_by_id ON agent_conversation_messages (user_id, conversation_id, message_id);
