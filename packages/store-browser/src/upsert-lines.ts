import { LIMITS, prepareMessage, prepareMessages, toJson, type Message } from '@agent-conversations/core';

/**
 * Validates an upsert's messages as core's `prepareMessages` does and returns their JSON lines, cheaply where they are the
 * stored ones: a message whose JSON is the stored line at its place had its id, role and size checked when it was stored,
 * so it only needs `toJson`'s plain-JSON check (no copy, byte count or parse). Every other message goes through
 * `prepareMessage`, and any failure is thrown with `prepareMessages`' exact message.
 */
export function upsertLines(messages: unknown, stored: readonly string[]): string[] {
  if (!Array.isArray(messages) || messages.length > LIMITS.messagesPerWrite) prepareMessages(messages); // throws
  const ids = new Set<string>();
  return (messages as Message[]).map((message, i) => {
    let json: string | undefined;
    try {
      json = toJson(message, '');
    } catch {
      // Not plain JSON: prepareMessage throws the error, with this message's path.
    }
    if (json === undefined || json !== stored[i]) json = prepareMessage(message, `messages[${i}]`).json;
    if (ids.has(message.id)) prepareMessages(messages); // throws: the id appears twice
    ids.add(message.id);
    return json;
  });
}
