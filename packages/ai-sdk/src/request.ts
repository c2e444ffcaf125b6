import type { PrepareSendMessagesRequest, UIMessage } from 'ai';

/** The body {@link sendLastMessage} sends: what the server passes to loadChat. */
export interface LastMessageBody<UI_MESSAGE extends UIMessage = UIMessage> {
  id: string;
  message: UI_MESSAGE;
  /** The version of the chat the page last saw; 0 for a new chat; absent to skip the check. */
  expectedVersion?: number;
}

/**
 * `prepareSendMessagesRequest` for the AI SDK's `DefaultChatTransport` ("sending only the last
 * message"): the body is the chat id, the last message and `expectedVersion(chatId)`, the version the
 * page last saw, so a stale tab gets CONFLICT instead of overwriting newer history. Extra `body` fields
 * of `sendMessage` are kept.
 */
export function sendLastMessage<UI_MESSAGE extends UIMessage>(
  expectedVersion?: (chatId: string) => number | undefined,
): PrepareSendMessagesRequest<UI_MESSAGE> {
  return ({ id, messages, body }) => {
    const version = expectedVersion?.(id);
    return {
      body: {
        ...body,
        id,
        message: messages[messages.length - 1],
        ...(version === undefined ? {} : { expectedVersion: version }),
      },
    };
  };
}
