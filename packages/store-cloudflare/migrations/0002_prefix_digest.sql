-- @agent-conversations/store-cloudflare schema, step 2: the digest an upsert compares.
-- Applied by `agent-conversations-cloudflare migrate` (wrangler d1 migrations apply) or by migrateD1() from code.
-- The same statements live in src/shared/schema.ts (the Durable Object applies them itself).

-- scanMessages' digest of the first prefix_count messages (upsert writes it, append leaves it): an upsert of a list that
-- starts with the stored messages compares this one number instead of reading a fingerprint per message.
ALTER TABLE agent_conversations ADD COLUMN prefix_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agent_conversations ADD COLUMN prefix_digest INTEGER;
