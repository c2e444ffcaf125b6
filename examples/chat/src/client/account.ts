import {
  baseStore,
  ConversationStoreError,
  type ConversationStore,
  type MessageInput,
} from '@agent-conversations/core';
import { importLocalHistory, type ImportLocalHistoryResult } from '@agent-conversations/store-browser';
import type { ApiErrorBody, SessionInfo } from '../shared/api.js';

async function post(path: string, body: unknown): Promise<SessionInfo> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const data = (await response.json()) as SessionInfo | ApiErrorBody;
  if ('error' in data) throw new ConversationStoreError(data.error.code, data.error.message, { adapter: 'http' });
  return data;
}

/** The current session: who is signed in and which store the resolver picks for them. */
export async function fetchSession(): Promise<SessionInfo> {
  const response = await fetch('/api/session');
  return (await response.json()) as SessionInfo;
}

/** Signs in as a demo user (a name is enough). */
export function signIn(name: string): Promise<SessionInfo> {
  return post('/api/sign-in', { name });
}

/** Ends the session; history goes back to this browser's local store. */
export function signOut(): Promise<SessionInfo> {
  return post('/api/sign-out', {});
}

/**
 * Copies this browser's signed-out history into the signed-in user's server store and clears the local
 * copies the server acknowledged. `to` talks to the server over HTTP; the server scopes it by the session.
 */
export async function importBrowserHistory<M extends MessageInput>(
  from: ConversationStore<M>,
  anonymousId: string,
  to: ConversationStore<M>,
  userId: string,
): Promise<{ result: ImportLocalHistoryResult; titles: string[] }> {
  const titles = (await from.list(anonymousId, { limit: 200 })).items.map((meta) => meta.title);
  // importLocalHistory copies messages of any type as they are: it takes the stores as the base type.
  const result = await importLocalHistory({
    from: baseStore(from),
    to: baseStore(to),
    userId,
    fromUserId: anonymousId,
    clearLocal: true,
  });
  return { result, titles };
}

/** What the page says after an import, e.g. "Imported 2 conversations from this browser". */
export function describeImport(
  user: string,
  { result, titles }: { result: ImportLocalHistoryResult; titles: string[] },
): string {
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const parts: string[] = [];
  const which = result.imported === titles.length ? ` (${titles.map((t) => `“${t}”`).join(', ')})` : '';
  if (result.imported > 0)
    parts.push(`Imported ${plural(result.imported, 'conversation')} from this browser${which} into ${user}'s history.`);
  if (result.skipped > 0)
    parts.push(
      `${plural(result.skipped, 'conversation')} ${result.skipped === 1 ? 'was' : 'were'} already on the server.`,
    );
  for (const issue of [...result.conflicts, ...result.rejected])
    parts.push(`Kept “${issue.id}” in this browser: ${issue.reason}.`);
  return parts.length > 0 ? parts.join(' ') : `Signed in as ${user}. Nothing to import from this browser.`;
}
