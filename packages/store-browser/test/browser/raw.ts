import type { Message } from '@agent-conversations/core';

// Readers of the raw localStorage layout, written independently of src/ so tests check what is really stored:
//   <ns>:c:<escaped userId>:<id>         {"format":1,"meta":{...}} then one message JSON per line

/** The key of a conversation entry. */
export function rawKey(namespace: string, userId: string, id: string): string {
  const escaped = userId.replace(/[^A-Za-z0-9_.@-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `${namespace}:c:${escaped}:${id}`;
}

/** The stored messages of a conversation, straight from its entry; [] when absent. */
export function rawMessages(namespace: string, userId: string, id: string): Message[] {
  const raw = localStorage.getItem(rawKey(namespace, userId, id));
  return raw === null
    ? []
    : raw
        .split('\n')
        .slice(1)
        .map((line) => JSON.parse(line) as Message);
}

/** Every key of the namespace with its value, to compare storage before and after a failed write. */
export function rawDump(namespace: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i)!;
    if (key.startsWith(`${namespace}:`)) out[key] = localStorage.getItem(key)!;
  }
  return out;
}

/** A user message as the AI SDK sends it. */
export function text(id: string, body: string, role = 'user'): Message {
  return { id, role, parts: [{ type: 'text', text: body }] };
}
