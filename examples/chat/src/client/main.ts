import { createBrowserStore } from '@agent-conversations/store-browser';
import { generateId } from 'ai';
import type { SessionInfo } from '../shared/api.js';
import type { ChatMessage } from '../shared/chat.js';
import { describeImport, fetchSession, importBrowserHistory, signIn, signOut } from './account.js';
import { setUpComposer } from './composer.js';
import {
  discardUnsaved,
  listPages,
  load,
  loadMore,
  refreshList,
  retry,
  run,
  saveAgain,
  show,
  startNew,
  state,
  type Scope,
} from './conversation.js';
import { createHttpStore } from './http-store.js';
import { setUpRename } from './rename.js';
import { $, renderAccount, renderStatus, showNotice } from './view.js';

const browserStore = createBrowserStore<ChatMessage>({ namespace: 'chat-demo' });
const ANONYMOUS_KEY = 'chat-demo.anonymous-id';
let session: SessionInfo;

/** The id this browser's signed-out history is saved under. */
function anonymousId(): string {
  let id = localStorage.getItem(ANONYMOUS_KEY);
  if (!id) localStorage.setItem(ANONYMOUS_KEY, (id = `anonymous-${generateId()}`));
  return id;
}

function scopeFor(next: SessionInfo): Scope {
  if (next.user === null)
    return { store: browserStore, userId: anonymousId(), signedIn: false, label: 'in this browser' };
  const kind = next.store.kind ?? 'memory';
  return {
    store: createHttpStore<ChatMessage>({ userId: next.user, kind, persistent: next.store.persistent }),
    userId: next.user,
    signedIn: true,
    label: `on the server (${kind})`,
  };
}

/** Switches the page to a session: loads its history first, then shows everything at once. */
async function useSession(next: SessionInfo): Promise<void> {
  const scope = scopeFor(next);
  const { items, nextCursor } = await listPages(scope, 1);
  const latest = items[0] ? await load(scope, items[0].id) : null;
  session = next;
  Object.assign(state, { scope, conversations: items, nextCursor });
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

// The sidebar is a drawer on narrow screens.
const setDrawer = (open: boolean): void => {
  document.body.classList.toggle('drawer-open', open);
  $('menu').setAttribute('aria-expanded', String(open));
};
state.onOpened = () => setDrawer(false);
$('menu').addEventListener('click', () => setDrawer(!document.body.classList.contains('drawer-open')));
$('backdrop').addEventListener('click', () => setDrawer(false));

setUpComposer();
setUpRename();
$('new-chat').addEventListener('click', () => {
  startNew();
  setDrawer(false);
});
$('load-more').addEventListener('click', () => void run(loadMore));
$('stop').addEventListener('click', () => void state.current.chat.stop());
$('retry').addEventListener('click', retry);
$('save-retry').addEventListener('click', () => void run(saveAgain));
$('save-discard').addEventListener('click', () => void run(discardUnsaved));

$('delete').addEventListener('click', () => {
  const meta = state.current.meta;
  if (!meta || !confirm(`Delete “${meta.title}”?`)) return;
  void run(async () => {
    await state.scope.store.delete(state.scope.userId, meta.id);
    await useSession(session);
  });
});

$<HTMLFormElement>('sign-in-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const from = state.scope;
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

// Another tab may have changed the list meanwhile: refresh it when this tab is shown again.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && state.scope) void run(refreshList);
});

await switching(async () => useSession(await fetchSession()));
