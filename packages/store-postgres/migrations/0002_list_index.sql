-- @agent-conversations/store-postgres migration 2: list_index
-- Schema "public", table prefix "agent_". Safe to re-run: every statement is idempotent.
BEGIN;
SELECT pg_advisory_xact_lock(3429582928788030);
CREATE TABLE IF NOT EXISTS "public"."agent_schema_migrations" (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS "agent_conversations_list_idx"
  ON "public"."agent_conversations" (user_id, updated_at DESC, id DESC);
INSERT INTO "public"."agent_schema_migrations" (version, name) VALUES (2, 'list_index') ON CONFLICT (version) DO NOTHING;
COMMIT;
