import { assertUserId, ConversationStoreError } from '@agent-conversations/core';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Core's user id check, plus: ClickHouse keeps strings as UTF-8, where a lone surrogate becomes U+FFFD and two users would meet. */
export function assertStorableUserId(userId: unknown): asserts userId is string {
  assertUserId(userId);
  if (LONE_SURROGATE.test(userId)) {
    throw new ConversationStoreError('VALIDATION', 'userId must be well-formed Unicode (no lone surrogates): ClickHouse stores it as UTF-8', { adapter: 'clickhouse' });
  }
}
