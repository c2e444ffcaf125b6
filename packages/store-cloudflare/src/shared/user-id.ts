import { assertUserId as assertCoreUserId, ConversationStoreError } from '@agent-conversations/core';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Core's user id check, plus: SQLite and Durable Object names hold UTF-8, where a lone surrogate becomes U+FFFD and two users would meet. */
export function assertUserId(userId: unknown): asserts userId is string {
  assertCoreUserId(userId);
  if (LONE_SURROGATE.test(userId)) {
    throw new ConversationStoreError('VALIDATION', 'userId must be well-formed Unicode (no lone surrogates): D1 and Durable Objects store it as UTF-8');
  }
}
