-- @agent-conversations/store-postgres migration 3: prefix_digest
-- Schema "public", table prefix "agent_". Safe to re-run: every statement is idempotent.
BEGIN;
SELECT pg_advisory_xact_lock(3429582928788030);
CREATE TABLE IF NOT EXISTS "public"."agent_schema_migrations" (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE "public"."agent_conversations"
  ADD COLUMN IF NOT EXISTS prefix_count integer NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS prefix_digest bigint;
INSERT INTO "public"."agent_schema_migrations" (version, name) VALUES (3, 'prefix_digest') ON CONFLICT (version) DO NOTHING;
COMMIT;
