import { defaultTitle, type ConversationMeta } from '@agent-conversations/core';
import type { ChatStatus, UIMessage } from 'ai';
import type { SessionInfo } from '../shared/api.js';
import { toStoreMessages } from '../shared/messages.js';

/** The element with this id (the page's HTML defines them all). */
export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
}

/** The text parts of a UI message. */
export function textOf(message: UIMessage): string {
  return message.parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/** The status line: which store this session uses, the resolver's reason, and the full explanation. */
export function renderStatus(session: SessionInfo): void {
  const { kind, reason, persistent, explanation } = session.store;
  const badge = $('store-kind');
  badge.textContent = kind === 'local' ? 'local (this browser)' : (kind ?? 'none');
  badge.className = `badge ${kind ?? ''}`;
  $('store-reason').textContent = reason;
  $('store-persistence').textContent = kind === 'local' ? '' : persistent ? '· survives restarts' : '· not persistent: lost when the server stops';
  $('store-explanation').textContent = explanation;
}

/** The sign-in form or the signed-in user, and where this history is kept. */
export function renderAccount(session: SessionInfo): void {
  const user = session.user;
  $('sign-in-form').hidden = user !== null;
  $('signed-in').hidden = user === null;
  $('user-label').textContent = user ?? '';
  $('history-note').textContent =
    user === null
      ? 'Signed out: this history is kept in this browser (localStorage, by store-browser). Sign in to import it into the server store.'
      : `Signed in as ${user}: history is kept by the server's ${session.store.kind} store${session.store.persistent ? '' : ', and lost when the server stops'}.`;
}

/** The conversation list, newest first; `onOpen` is called with the id of the one clicked. */
export function renderList(conversations: ConversationMeta[], currentId: string, onOpen: (id: string) => void): void {
  const list = $('conversations');
  list.replaceChildren(
    ...conversations.map((meta) => {
      const item = element('li', meta.id === currentId ? 'active' : '');
      const button = element('button', '');
      button.type = 'button';
      button.append(element('span', 'title', meta.title), element('span', 'meta', `${meta.messageCount} messages · version ${meta.version}`));
      button.addEventListener('click', () => onOpen(meta.id));
      item.append(button);
      return item;
    }),
  );
  $('empty-list').hidden = conversations.length > 0;
}

/** The open conversation: header (title, version), messages as they stream, and the composer's state. */
export function renderChat(view: { messages: UIMessage[]; status: ChatStatus; error: Error | undefined; meta: ConversationMeta | null; storeLabel: string }): void {
  const { messages, status, error, meta } = view;
  const busy = status === 'submitted' || status === 'streaming';
  $('chat-title').textContent = meta?.title ?? (messages.length > 0 ? defaultTitle(toStoreMessages(messages)) : 'New conversation');
  $('chat-meta').textContent = meta
    ? `version ${meta.version} · ${meta.messageCount} messages · saved ${view.storeLabel}`
    : 'Not saved yet: the first reply saves it.';
  $<HTMLButtonElement>('rename').disabled = !meta || busy;
  $<HTMLButtonElement>('delete').disabled = !meta || busy;
  $<HTMLButtonElement>('send').disabled = busy;

  const list = $('messages');
  const items = messages.map((message) => element('li', `message ${message.role}`, textOf(message)));
  if (status === 'submitted') items.push(element('li', 'message assistant pending', 'Thinking…'));
  if (items.length === 0) items.push(element('li', 'empty-chat', 'Say something: a scripted model on the server answers, and the conversation is saved through the store.'));
  list.replaceChildren(...items);
  list.scrollTop = list.scrollHeight;

  const errorLine = $('chat-error');
  errorLine.hidden = !error;
  errorLine.textContent = error ? `The reply failed: ${error.message}` : '';
}

/** Shows a notice under the status line (e.g. what sign-in imported); null hides it. */
export function showNotice(text: string | null, tone: 'info' | 'error' = 'info'): void {
  $('notice').hidden = text === null;
  $('notice').className = `notice ${tone}`;
  $('notice-text').textContent = text ?? '';
}
