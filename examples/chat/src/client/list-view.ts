import type { ConversationMeta } from '@agent-conversations/core';
import { formatDateTime, formatTime } from './format.js';
import { $, element } from './view.js';

/** The conversation list, newest first, and "Load older" while the store has more; `onOpen` gets the id clicked. */
export function renderList(
  conversations: ConversationMeta[],
  more: boolean,
  currentId: string,
  onOpen: (id: string) => void,
): void {
  const list = $('conversations');
  list.replaceChildren(
    ...conversations.map((meta) => {
      const item = element('li', meta.id === currentId ? 'active' : '');
      const button = element('button', '');
      button.type = 'button';
      const when = element('time', '', formatTime(meta.updatedAt));
      when.dateTime = new Date(meta.updatedAt).toISOString();
      when.title = formatDateTime(meta.updatedAt);
      const line = element('span', 'meta', `${meta.messageCount} messages · `);
      line.append(when);
      button.append(element('span', 'title', meta.title), line);
      button.addEventListener('click', () => onOpen(meta.id));
      item.append(button);
      return item;
    }),
  );
  $('empty-list').hidden = conversations.length > 0;
  $('load-more').hidden = !more;
  $('list-count').textContent = conversations.length > 0 ? `${conversations.length}${more ? '+' : ''}` : '';
}
