-- @agent-conversations/store-postgres migration 2: list_index
-- Schema "agent_conversations", table prefix "agent_". Safe to re-run: every statement is idempotent.
BEGIN;
SELECT pg_advisory_xact_lock(4091767223847859);
DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'agent_conversations') THEN CREATE SCHEMA "agent_conversations"; END IF; END $$;
CREATE TABLE IF NOT EXISTS "agent_conversations"."agent_schema_migrations" (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS "agent_conversations_list_idx"
  ON "agent_conversations"."agent_conversations" (user_id, updated_at DESC, id DESC);
INSERT INTO "agent_conversations"."agent_schema_migrations" (version, name) VALUES (2, 'list_index') ON CONFLICT (version) DO NOTHING;
COMMIT;
