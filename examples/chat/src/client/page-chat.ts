import { AbstractChat, type ChatInit, type ChatState, type ChatStatus } from 'ai';
import type { ChatMessage } from '../shared/chat.js';

/** Chat state that calls `onChange` after every change, so the page re-renders while the reply streams in. */
class PageChatState implements ChatState<ChatMessage> {
  #messages: ChatMessage[];
  #status: ChatStatus = 'ready';
  #error: Error | undefined;

  constructor(
    messages: ChatMessage[],
    private readonly onChange: () => void,
  ) {
    this.#messages = messages;
  }

  get status(): ChatStatus {
    return this.#status;
  }
  set status(status: ChatStatus) {
    this.#status = status;
    this.onChange();
  }
  get error(): Error | undefined {
    return this.#error;
  }
  set error(error: Error | undefined) {
    this.#error = error;
    this.onChange();
  }
  get messages(): ChatMessage[] {
    return this.#messages;
  }
  set messages(messages: ChatMessage[]) {
    this.#messages = [...messages];
    this.onChange();
  }

  pushMessage = (message: ChatMessage): void => {
    this.messages = [...this.#messages, message];
  };
  popMessage = (): void => {
    this.messages = this.#messages.slice(0, -1);
  };
  replaceMessage = (index: number, message: ChatMessage): void => {
    const next = [...this.#messages];
    next[index] = message;
    this.messages = next;
  };
  snapshot = <T>(thing: T): T => structuredClone(thing);
}

/** The AI SDK's chat (the engine behind useChat) without a UI framework: `onChange` renders the page. */
export class PageChat extends AbstractChat<ChatMessage> {
  constructor(init: ChatInit<ChatMessage>, onChange: () => void) {
    super({ ...init, state: new PageChatState(init.messages ?? [], onChange) });
  }
}
