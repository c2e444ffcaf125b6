import type { UIMessage } from 'ai';
import { describe, expect, it } from 'vitest';
import { sendLastMessage } from '../src/index.js';

const message = (id: string, text: string): UIMessage => ({ id, role: 'user', parts: [{ type: 'text', text }] });
const request = {
  requestMetadata: undefined,
  credentials: undefined,
  headers: undefined,
  api: '/api/chat',
  trigger: 'submit-message',
  messageId: undefined,
} as const;

describe('sendLastMessage', () => {
  it("sends the chat id, only the last message and the chat's version, keeping the extra body of sendMessage", async () => {
    const prepare = sendLastMessage<UIMessage>((chatId) => (chatId === 'c1' ? 4 : undefined));
    const messages = [message('m1', 'old'), message('m2', 'new')];
    expect(await prepare({ ...request, id: 'c1', messages, body: { temperature: 0.2 } })).toEqual({
      body: { temperature: 0.2, id: 'c1', message: messages[1], expectedVersion: 4 },
    });
    // No version known: no expectedVersion, so the server skips the check.
    expect((await prepare({ ...request, id: 'c2', messages, body: undefined })).body).toEqual({
      id: 'c2',
      message: messages[1],
    });
  });
});
