import { AbstractChat, type ChatInit, type ChatState, type ChatStatus, type UIMessage } from 'ai';

/** Chat state that calls `onChange` after every change, so the page re-renders while the reply streams in. */
class PageChatState implements ChatState<UIMessage> {
  #messages: UIMessage[];
  #status: ChatStatus = 'ready';
  #error: Error | undefined;

  constructor(
    messages: UIMessage[],
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
  get messages(): UIMessage[] {
    return this.#messages;
  }
  set messages(messages: UIMessage[]) {
    this.#messages = [...messages];
    this.onChange();
  }

  pushMessage = (message: UIMessage): void => {
    this.messages = [...this.#messages, message];
  };
  popMessage = (): void => {
    this.messages = this.#messages.slice(0, -1);
  };
  replaceMessage = (index: number, message: UIMessage): void => {
    const next = [...this.#messages];
    next[index] = message;
    this.messages = next;
  };
  snapshot = <T,>(thing: T): T => structuredClone(thing);
}

/** The AI SDK's chat (the engine behind useChat) without a UI framework: `onChange` renders the page. */
export class PageChat extends AbstractChat<UIMessage> {
  constructor(init: ChatInit<UIMessage>, onChange: () => void) {
    super({ ...init, state: new PageChatState(init.messages ?? [], onChange) });
  }
}
