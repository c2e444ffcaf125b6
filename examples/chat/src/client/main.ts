import { loadChat, saveChat, sendLastMessage } from '@agent-conversations/ai-sdk';
import { isConversationStoreError, type ConversationMeta, type ConversationStore } from '@agent-conversations/core';
import { createBrowserStore } from '@agent-conversations/store-browser';
import { DefaultChatTransport, generateId, type UIMessage } from 'ai';
import type { ApiErrorBody, SessionInfo } from '../shared/api.js';
import { describeImport, fetchSession, importBrowserHistory, signIn, signOut } from './account.js';
import { createHttpStore } from './http-store.js';
import { PageChat } from './page-chat.js';
import { $, renderAccount, renderChat, renderList, renderStatus, showNotice } from './view.js';

/** Where this session's history lives: this browser when signed out, the server (over HTTP) when signed in. */
interface Scope {
  store: ConversationStore;
  userId: string;
  signedIn: boolean;
  label: string;
}

const browserStore = createBrowserStore({ namespace: 'chat-demo' });
const ANONYMOUS_KEY = 'chat-demo.anonymous-id';

/** The id this browser's signed-out history is saved under. */
function anonymousId(): string {
  let id = localStorage.getItem(ANONYMOUS_KEY);
  if (!id) localStorage.setItem(ANONYMOUS_KEY, (id = `anonymous-${generateId()}`));
  return id;
}

function scopeFor(session: SessionInfo): Scope {
  if (session.user === null) return { store: browserStore, userId: anonymousId(), signedIn: false, label: 'in this browser' };
  const kind = session.store.kind ?? 'memory';
  return { store: createHttpStore({ userId: session.user, kind, persistent: session.store.persistent }), userId: session.user, signedIn: true, label: `on the server (${kind})` };
}

let session: SessionInfo;
let scope: Scope;
let conversations: ConversationMeta[] = [];
let current: { chat: PageChat; meta: ConversationMeta | null };

function render(): void {
  const { chat, meta } = current;
  renderChat({ messages: chat.messages, status: chat.status, error: chat.error, meta, storeLabel: scope.label });
  renderList(conversations, chat.id, (id) => void run(() => open(id)));
}

/** Runs a user action; a store error is shown as a notice with its code, anything else is rethrown. */
async function run(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (!isConversationStoreError(error)) throw error;
    showNotice(`${error.code}: ${error.message}`, 'error');
  }
}

async function refreshList(): Promise<void> {
  conversations = (await scope.store.list(scope.userId, { limit: 50 })).items;
  render();
}

/** After a reply: signed out, the page saves the conversation locally; signed in, the server already saved it in onFinish. */
async function afterReply(chat: PageChat, owner: Scope, messages: UIMessage[]): Promise<void> {
  const meta = owner.signedIn ? await owner.store.get(owner.userId, chat.id) : await saveChat(owner.store, { userId: owner.userId, id: chat.id, messages });
  if (owner !== scope) return;
  if (current.chat === chat) current.meta = meta;
  await refreshList();
}

/** The store error code in a failed chat request's response body (`{"error":{"code":...}}`), if it is one. */
function errorCode(error: Error): string | undefined {
  try {
    return (JSON.parse(error.message) as ApiErrorBody).error.code;
  } catch {
    return undefined; // not one of the server's error bodies (e.g. the network failed)
  }
}

function show(id: string, messages: UIMessage[], meta: ConversationMeta | null): void {
  const owner = scope;
  // Signed in, the page sends only its last message and the version it last saw (0 for a new chat): the
  // server loads the rest, and a tab that is behind gets CONFLICT instead of overwriting newer history.
  // Signed out, the server keeps nothing, so the page sends the whole list.
  const version = (): number => (current?.chat === chat ? current.meta?.version : undefined) ?? meta?.version ?? 0;
  const transport = owner.signedIn
    ? new DefaultChatTransport<UIMessage>({ api: '/api/chat', prepareSendMessagesRequest: sendLastMessage(version) })
    : new DefaultChatTransport<UIMessage>({ api: '/api/chat' });
  const chat: PageChat = new PageChat(
    {
      id,
      messages,
      transport,
      onFinish: ({ messages: all, isError }) => {
        if (!isError) void run(() => afterReply(chat, owner, all));
      },
      onError: (error) => {
        if (errorCode(error) !== 'CONFLICT' || owner !== scope) return;
        void run(async () => {
          await open(id);
          showNotice('Not sent: this conversation was changed in another tab or window since you opened it. It is reloaded; send your message again.', 'error');
        });
      },
    },
    () => {
      if (current?.chat === chat) render();
    },
  );
  current = { chat, meta };
  render();
}

/** A stored conversation ready for the chat, or null when it is not there. */
async function load(owner: Scope, id: string): Promise<{ messages: UIMessage[]; meta: ConversationMeta } | null> {
  // loadChat checks the stored messages like any other input before the chat uses them.
  const { messages, meta } = await loadChat<UIMessage>(owner.store, { userId: owner.userId, id });
  return meta ? { messages, meta } : null;
}

async function open(id: string): Promise<void> {
  const loaded = await load(scope, id);
  if (loaded) show(id, loaded.messages, loaded.meta);
  else startNew();
}

function startNew(): void {
  show(generateId(), [], null);
  $('prompt').focus();
}

/** Switches the page to a session: loads its history first, then shows everything at once. */
async function useSession(next: SessionInfo): Promise<void> {
  const nextScope = scopeFor(next);
  const items = (await nextScope.store.list(nextScope.userId, { limit: 50 })).items;
  const latest = items[0] ? await load(nextScope, items[0].id) : null;
  session = next;
  scope = nextScope;
  conversations = items;
  renderStatus(session);
  renderAccount(session);
  if (latest) show(latest.meta.id, latest.messages, latest.meta);
  else startNew();
}

/** Runs an account change with the page inert, so nothing is typed into a chat that is about to be replaced. */
async function switching(action: () => Promise<void>): Promise<void> {
  const main = $('main');
  main.inert = true;
  try {
    await run(action);
  } finally {
    main.inert = false;
  }
}

$<HTMLFormElement>('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $<HTMLInputElement>('prompt');
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  void current.chat.sendMessage({ text });
});

$('new-chat').addEventListener('click', startNew);

$('rename').addEventListener('click', () => {
  $<HTMLInputElement>('rename-input').value = current.meta?.title ?? '';
  $('rename-form').hidden = false;
  $('chat-actions').hidden = true;
  $('rename-input').focus();
});
const closeRename = (): void => {
  $('rename-form').hidden = true;
  $('chat-actions').hidden = false;
};
$('rename-cancel').addEventListener('click', closeRename);
$<HTMLFormElement>('rename-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const meta = current.meta;
  if (!meta) return;
  const title = $<HTMLInputElement>('rename-input').value;
  closeRename();
  // expectedVersion: the rename fails with CONFLICT instead of overwriting a change made elsewhere.
  void run(async () => {
    try {
      current.meta = await scope.store.update(scope.userId, meta.id, { title }, { expectedVersion: meta.version });
    } catch (error) {
      if (!isConversationStoreError(error) || error.code !== 'CONFLICT') throw error;
      await open(meta.id);
      showNotice(`Not renamed: “${meta.title}” was changed elsewhere since you opened it (version ${meta.version}, now ${current.meta?.version}). It is reloaded; rename it again if you still want to.`, 'error');
    }
    await refreshList();
  });
});

$('delete').addEventListener('click', () => {
  const meta = current.meta;
  if (!meta || !confirm(`Delete “${meta.title}”?`)) return;
  void run(async () => {
    await scope.store.delete(scope.userId, meta.id);
    await useSession(session);
  });
});

$<HTMLFormElement>('sign-in-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const from = scope;
  void switching(async () => {
    const signedIn = await signIn($<HTMLInputElement>('user-name').value);
    const to = scopeFor(signedIn);
    try {
      const imported = await importBrowserHistory(from.store, from.userId, to.store, to.userId);
      showNotice(describeImport(to.userId, imported));
    } finally {
      await useSession(signedIn);
    }
  });
});

$('sign-out').addEventListener('click', () => {
  void switching(async () => {
    showNotice(null);
    await useSession(await signOut());
  });
});

$('notice-close').addEventListener('click', () => showNotice(null));

await switching(async () => useSession(await fetchSession()));
