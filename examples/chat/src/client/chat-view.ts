import { defaultTitle, type ConversationMeta } from '@agent-conversations/core';
import type { ChatStatus } from 'ai';
import type { ChatMessage } from '../shared/chat.js';
import { formatDateTime, formatTime, formatUsage } from './format.js';
import { renderMarkdown } from './markdown.js';
import { $, element, textOf } from './view.js';

/** What the chat pane shows. */
export interface ChatView {
  messages: ChatMessage[];
  status: ChatStatus;
  /** The failed request, offered for Retry. */
  error: string | undefined;
  meta: ConversationMeta | null;
  storeLabel: string;
  /** A reply that is shown but not stored, offered for "Save again". */
  unsaved: string | null;
  /** True while the page waits for a stopped reply to be stored. */
  saving: boolean;
}

function messageItem(message: ChatMessage): HTMLLIElement {
  const item = element('li', `message ${message.role}`);
  const body = element('div', 'body');
  // Replies are markdown, sanitized; what the user typed is shown as typed (plain text).
  if (message.role === 'assistant') renderMarkdown(body, textOf(message));
  else body.textContent = textOf(message);
  item.append(body);
  const footer: string[] = [];
  const at = message.metadata?.createdAt;
  const usage = formatUsage(message.metadata?.usage);
  if (usage) footer.push(usage);
  if (at !== undefined || footer.length > 0) {
    const meta = element('div', 'stamp', footer.join(' · '));
    if (at !== undefined) {
      const when = element('time', '', formatTime(at));
      when.dateTime = new Date(at).toISOString();
      when.title = formatDateTime(at);
      meta.prepend(when, footer.length > 0 ? ' · ' : '');
    }
    item.append(meta);
  }
  return item;
}

/** The open conversation: header (title, version, usage totals), messages as they stream, and the composer's state. */
export function renderChat(view: ChatView): void {
  const { messages, status, error, meta } = view;
  const busy = status === 'submitted' || status === 'streaming';
  $('chat-title').textContent = meta?.title ?? (messages.length > 0 ? defaultTitle(messages) : 'New conversation');
  $('chat-meta').textContent = meta
    ? `version ${meta.version} · ${meta.messageCount} messages · saved ${view.storeLabel}`
    : 'Not saved yet: the first reply saves it.';
  const totals = formatUsage(meta?.usage);
  $('chat-usage').hidden = totals === null;
  $('chat-usage').textContent = totals ? `Total: ${totals}` : '';
  $<HTMLButtonElement>('rename').disabled = !meta || busy;
  $<HTMLButtonElement>('delete').disabled = !meta || busy;
  $<HTMLButtonElement>('send').disabled = busy || view.saving || view.unsaved !== null;
  $('send').hidden = busy;
  $('stop').hidden = !busy;

  const list = $('messages');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const items = messages.map(messageItem);
  if (status === 'submitted') items.push(element('li', 'message assistant pending', 'Thinking…'));
  if (items.length === 0)
    items.push(
      element(
        'li',
        'empty-chat',
        'Say something: a scripted model on the server answers, and the conversation is saved through the store.',
      ),
    );
  list.replaceChildren(...items);
  if (atBottom || busy) list.scrollTop = list.scrollHeight;

  $('chat-error').hidden = !error;
  $('chat-error-text').textContent = error ? `The reply failed: ${error}` : '';
  $('save-error').hidden = view.unsaved === null && !view.saving;
  $('save-error-text').textContent = view.saving
    ? 'Saving the stopped reply…'
    : view.unsaved
      ? `This reply is not saved: ${view.unsaved}`
      : '';
  $('save-retry').hidden = view.saving;
}
