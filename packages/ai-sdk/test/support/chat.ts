import { AbstractChat, type ChatInit, type ChatState, type ChatStatus, type UIMessage } from 'ai';

/** Plain chat state: the AI SDK's Chat without a UI framework. */
class PlainState<UI_MESSAGE extends UIMessage> implements ChatState<UI_MESSAGE> {
  status: ChatStatus = 'ready';
  error: Error | undefined = undefined;
  messages: UI_MESSAGE[];
  constructor(messages: UI_MESSAGE[]) {
    this.messages = messages;
  }
  pushMessage = (message: UI_MESSAGE): void => {
    this.messages = [...this.messages, message];
  };
  popMessage = (): void => {
    this.messages = this.messages.slice(0, -1);
  };
  replaceMessage = (index: number, message: UI_MESSAGE): void => {
    this.messages = this.messages.map((m, i) => (i === index ? message : m));
  };
  snapshot = <T>(thing: T): T => structuredClone(thing);
}

/** The AI SDK's chat (the engine behind useChat), as a browser tab runs it. */
export class TestChat<UI_MESSAGE extends UIMessage> extends AbstractChat<UI_MESSAGE> {
  constructor(init: ChatInit<UI_MESSAGE>) {
    super({ ...init, state: new PlainState(init.messages ?? []) });
  }
}
