-- @agent-conversations/store-postgres migration 1: create_tables
-- Schema "agent_conversations", table prefix "agent_". Safe to re-run: every statement is idempotent.
BEGIN;
SELECT pg_advisory_xact_lock(4091767223847859);
DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'agent_conversations') THEN CREATE SCHEMA "agent_conversations"; END IF; END $$;
CREATE TABLE IF NOT EXISTS "agent_conversations"."agent_schema_migrations" (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS "agent_conversations"."agent_conversations" (
  user_id text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  title text NOT NULL,
  auto_title text,
  message_count integer NOT NULL DEFAULT 0,
  model text,
  provider text,
  usage_set boolean NOT NULL DEFAULT false,
  input_tokens double precision,
  output_tokens double precision,
  reasoning_tokens double precision,
  cached_tokens double precision,
  cost_usd double precision,
  duration_ms double precision,
  metadata text,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  version integer NOT NULL,
  CONSTRAINT "agent_conversations_pkey" PRIMARY KEY (user_id, id)
);
CREATE TABLE IF NOT EXISTS "agent_conversations"."agent_messages" (
  user_id text COLLATE "C" NOT NULL,
  conversation_id text COLLATE "C" NOT NULL,
  seq integer NOT NULL,
  message_id text COLLATE "C" NOT NULL,
  hash text NOT NULL,
  json text NOT NULL,
  CONSTRAINT "agent_messages_pkey" PRIMARY KEY (user_id, conversation_id, seq),
  CONSTRAINT "agent_messages_message_id_key" UNIQUE (user_id, conversation_id, message_id)
);
-- Deleting conversations deletes their messages. A trigger rather than a foreign key: every message is written by a
-- statement joined to its locked conversation row, and a foreign-key check would add a lookup and a lock to each append.
-- Its DELETE runs with a fresh snapshot, so it also removes messages an append committed while the delete waited.
CREATE OR REPLACE FUNCTION "agent_conversations"."agent_delete_messages"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "agent_conversations"."agent_messages" WHERE user_id = OLD.user_id AND conversation_id = OLD.id;
  RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS "agent_delete_messages" ON "agent_conversations"."agent_conversations";
CREATE TRIGGER "agent_delete_messages" AFTER DELETE ON "agent_conversations"."agent_conversations"
  FOR EACH ROW EXECUTE FUNCTION "agent_conversations"."agent_delete_messages"();
INSERT INTO "agent_conversations"."agent_schema_migrations" (version, name) VALUES (1, 'create_tables') ON CONFLICT (version) DO NOTHING;
COMMIT;
