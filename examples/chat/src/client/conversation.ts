import { loadChat, saveChat, sendLastMessage } from '@agent-conversations/ai-sdk';
import { isConversationStoreError, type ConversationMeta, type ConversationStore } from '@agent-conversations/core';
import { DefaultChatTransport, generateId } from 'ai';
import type { ApiErrorBody } from '../shared/api.js';
import { demoCost, type ChatMessage, type TurnInfo } from '../shared/chat.js';
import { renderChat } from './chat-view.js';
import { renderList } from './list-view.js';
import { PageChat } from './page-chat.js';
import { $, showNotice } from './view.js';

/** Where this session's history lives: this browser when signed out, the server (over HTTP) when signed in. */
export interface Scope {
  /** Typed by the demo's message type: what it loads comes back as ChatMessage, with no cast. */
  store: ConversationStore<ChatMessage>;
  userId: string;
  signedIn: boolean;
  label: string;
}

/** A reply the page shows but the store does not have: why, the turn's usage, and the version it was based on. */
interface Unsaved {
  reason: string;
  turn: TurnInfo | undefined;
  version: number;
}

interface Current {
  chat: PageChat;
  meta: ConversationMeta | null;
  error: string | null;
  unsaved: Unsaved | null;
  saving: boolean;
  /** The last message sent and the version it was sent against. */
  sent: { text: string; version: number } | null;
}

/** The page's state: the session's scope, the conversation list (and the store's cursor for older ones), the open chat. */
export const state = {
  scope: undefined as unknown as Scope,
  conversations: [] as ConversationMeta[],
  nextCursor: null as string | null,
  current: undefined as unknown as Current,
  /** Called after a conversation is opened from the list (closes the drawer on a phone). */
  onOpened: (): void => {},
};

const PAGE = 50;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function render(): void {
  const { chat, meta, error, unsaved, saving } = state.current;
  renderChat({
    messages: chat.messages,
    status: chat.status,
    error: error ?? undefined,
    meta,
    storeLabel: state.scope.label,
    unsaved: unsaved?.reason ?? null,
    saving,
  });
  renderList(
    state.conversations,
    state.nextCursor !== null,
    chat.id,
    (id) => void run(() => open(id)).then(state.onOpened),
  );
}

/** Runs a user action; a store error is shown as a notice with its code, anything else is rethrown. */
export async function run(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (!isConversationStoreError(error)) throw error;
    showNotice(`${error.code}: ${error.message}`, 'error');
  }
}

/** The first pages of a scope's list, at least `want` conversations when it has them (the store's cursor, 50 at a time). */
export async function listPages(
  scope: Scope,
  want: number,
): Promise<{ items: ConversationMeta[]; nextCursor: string | null }> {
  const items: ConversationMeta[] = [];
  let cursor: string | undefined;
  do {
    const page = await scope.store.list(scope.userId, { limit: PAGE, cursor });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && items.length < want);
  return { items, nextCursor: cursor ?? null };
}

export async function refreshList(): Promise<void> {
  const scope = state.scope;
  const { items, nextCursor } = await listPages(scope, Math.max(state.conversations.length, PAGE));
  if (scope !== state.scope) return;
  Object.assign(state, { conversations: items, nextCursor });
  render();
}

/** The next page of older conversations. */
export async function loadMore(): Promise<void> {
  const { scope, nextCursor } = state;
  if (nextCursor === null) return;
  const page = await scope.store.list(scope.userId, { limit: PAGE, cursor: nextCursor });
  if (scope !== state.scope) return;
  const known = new Set(state.conversations.map((meta) => meta.id));
  state.conversations = [...state.conversations, ...page.items.filter((meta) => !known.has(meta.id))];
  state.nextCursor = page.nextCursor;
  render();
}

/** The store error in a failed chat request's response body (`{"error":{"code","message"}}`), if it is one. */
function apiError(error: Error): ApiErrorBody['error'] | undefined {
  try {
    return (JSON.parse(error.message) as ApiErrorBody).error;
  } catch {
    return undefined; // not one of the server's error bodies (e.g. the network failed)
  }
}

/** Another tab saved first: show its history and put the message back in the composer for re-sending. */
async function conflict(what: 'sent' | 'saved'): Promise<void> {
  const { chat, sent } = state.current;
  await open(chat.id);
  const prompt = $<HTMLTextAreaElement>('prompt');
  if (sent && !prompt.value) prompt.value = sent.text;
  const lead = what === 'sent' ? 'Not sent' : 'Your message and its reply were not saved';
  showNotice(
    `${lead}: this conversation was changed in another tab or window. It now shows the newer history; your message is back in the box below, ready to send again.`,
    'error',
  );
}

/** After Stop, signed in: the server stores the partial reply once the stream ends; wait for it, then show what was stored. */
async function awaitStoppedSave(chat: PageChat, owner: Scope, version: number): Promise<void> {
  const mine = (): boolean => state.current.chat === chat;
  state.current.saving = true;
  render();
  for (let attempt = 0; attempt < 25 && mine(); attempt++) {
    const stored = await owner.store.get(owner.userId, chat.id);
    if (stored && stored.version > version) {
      if (mine()) await open(chat.id);
      return refreshList();
    }
    await sleep(200);
  }
  if (!mine()) return;
  state.current.saving = false;
  state.current.unsaved = { reason: 'the server did not store the stopped reply', turn: undefined, version };
  render();
}

/** Shows a conversation in the AI SDK chat, wired to save each turn where this session keeps history. */
export function show(id: string, messages: ChatMessage[], meta: ConversationMeta | null): void {
  const owner = state.scope;
  const mine = (): boolean => state.current?.chat === chat && state.scope === owner;
  let turn: TurnInfo | undefined;
  let outcome: 'saved' | 'failed' | null = null;
  // Signed in, the page sends only its last message and the version it last saw (0 for a new chat): the
  // server loads the rest, and a tab that is behind gets CONFLICT instead of overwriting newer history.
  // Signed out, the server keeps nothing, so the page sends the whole list.
  const version = (): number => (mine() ? state.current.meta?.version : meta?.version) ?? 0;
  const transport = owner.signedIn
    ? new DefaultChatTransport<ChatMessage>({ api: '/api/chat', prepareSendMessagesRequest: sendLastMessage(version) })
    : new DefaultChatTransport<ChatMessage>({ api: '/api/chat' });
  const chat: PageChat = new PageChat(
    {
      id,
      messages,
      transport,
      onData: (part) => {
        if (part.type === 'data-turn') turn = part.data;
        if (part.type === 'data-saved') {
          outcome = 'saved';
          if (mine()) state.current.meta = part.data.meta;
          void run(refreshList);
        }
        if (part.type === 'data-save-failed') {
          outcome = 'failed';
          const { code, message, turn: failed } = part.data;
          if (!mine()) return;
          if (code === 'CONFLICT') return void run(() => conflict('saved'));
          state.current.unsaved = {
            reason: `${code}: ${message}`,
            turn: failed,
            version: state.current.sent?.version ?? version(),
          };
          render();
        }
      },
      onFinish: ({ messages: all, isAbort, isError }) => {
        if (isError || !mine()) return;
        if (!owner.signedIn) void run(() => saveLocally(chat, owner, all, turn));
        else if (isAbort || outcome === null)
          void run(() => awaitStoppedSave(chat, owner, state.current.sent?.version ?? version()));
      },
      onError: (error) => {
        if (!mine()) return;
        const api = apiError(error);
        if (api?.code === 'CONFLICT') void run(() => conflict('sent'));
        else {
          state.current.error = api ? `${api.code}: ${api.message}` : error.message;
          render();
        }
      },
    },
    () => {
      if (state.current?.chat === chat) render();
    },
  );
  state.current = { chat, meta, error: null, unsaved: null, saving: false, sent: null };
  render();
}

/** Signed out: the page saves the whole conversation in this browser, with the turn's usage and cost. */
async function saveLocally(
  chat: PageChat,
  owner: Scope,
  messages: ChatMessage[],
  turn: TurnInfo | undefined,
): Promise<void> {
  const meta = await saveChat(owner.store, {
    userId: owner.userId,
    id: chat.id,
    messages,
    usage: turn?.usage,
    cost: demoCost,
    durationMs: turn?.durationMs,
    model: turn?.model,
    provider: turn?.provider,
  });
  if (owner !== state.scope) return;
  if (state.current.chat === chat) state.current.meta = meta;
  await refreshList();
}

/** A stored conversation ready for the chat, or null when it is not there. */
export async function load(
  owner: Scope,
  id: string,
): Promise<{ messages: ChatMessage[]; meta: ConversationMeta } | null> {
  // loadChat checks the stored messages like any other input before the chat uses them.
  const { messages, meta } = await loadChat<ChatMessage>(owner.store, { userId: owner.userId, id });
  return meta ? { messages, meta } : null;
}

export async function open(id: string): Promise<void> {
  const loaded = await load(state.scope, id);
  if (loaded) show(id, loaded.messages, loaded.meta);
  else startNew();
}

export function startNew(): void {
  show(generateId(), [], null);
  $('prompt').focus();
}

/** Sends a message; while a reply is unsaved the page asks to save or discard it first. */
export function send(text: string): void {
  const current = state.current;
  Object.assign(current, { error: null, sent: { text, version: current.meta?.version ?? 0 } });
  void current.chat.sendMessage({ text, metadata: { createdAt: Date.now() } });
}

/** Re-sends after a failed request (the user's message is still the last one). */
export function retry(): void {
  const current = state.current;
  Object.assign(current, { error: null, sent: current.sent ?? { text: '', version: current.meta?.version ?? 0 } });
  void current.chat.regenerate();
}

/** Stores the unsaved reply from the page (usage included), based on the version it was sent against. */
export async function saveAgain(): Promise<void> {
  const { chat, unsaved } = state.current;
  if (!unsaved) return;
  const { userId, store } = state.scope;
  const turn = unsaved.turn;
  try {
    const meta = await saveChat(store, {
      userId,
      id: chat.id,
      expectedVersion: unsaved.version,
      messages: chat.messages,
      usage: turn?.usage,
      cost: demoCost,
      durationMs: turn?.durationMs,
      model: turn?.model,
      provider: turn?.provider,
    });
    Object.assign(state.current, { meta, unsaved: null });
    showNotice('The reply is saved now.');
  } catch (error) {
    if (!isConversationStoreError(error) || error.code !== 'CONFLICT') throw error;
    await conflict('saved');
    return;
  }
  await refreshList();
}

/** Drops the unsaved reply and shows what the store has. */
export async function discardUnsaved(): Promise<void> {
  await open(state.current.chat.id);
}
