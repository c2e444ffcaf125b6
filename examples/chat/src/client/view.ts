import type { UIMessage } from 'ai';
import type { SessionInfo } from '../shared/api.js';

/** The element with this id (the page's HTML defines them all). */
export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text = '',
): HTMLElementTagNameMap[K] {
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
  $('store-persistence').textContent =
    kind === 'local' ? '' : persistent ? '· survives restarts' : '· not persistent: lost when the server stops';
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
      : `Signed in as ${user}: history is kept by the server's ${session.store.kind} store${session.store.persistent ? '' : ', and lost when the server stops'}. Demo sign-in is by name only: anyone who types "${user}" sees this history.`;
}

/** Shows a notice under the status line (e.g. what sign-in imported); null hides it. */
export function showNotice(text: string | null, tone: 'info' | 'error' = 'info'): void {
  $('notice').hidden = text === null;
  $('notice').className = `notice ${tone}`;
  $('notice-text').textContent = text ?? '';
}
