import { isConversationStoreError } from '@agent-conversations/core';
import { open, refreshList, run, state } from './conversation.js';
import { $, showNotice } from './view.js';

/** Rename in place; it sends `expectedVersion`, so a change made elsewhere is not overwritten. */
export function setUpRename(): void {
  const close = (): void => {
    $('rename-form').hidden = true;
    $('chat-actions').hidden = false;
  };
  $('rename').addEventListener('click', () => {
    $<HTMLInputElement>('rename-input').value = state.current.meta?.title ?? '';
    $('rename-form').hidden = false;
    $('chat-actions').hidden = true;
    $('rename-input').focus();
  });
  $('rename-cancel').addEventListener('click', close);
  $<HTMLFormElement>('rename-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const meta = state.current.meta;
    if (!meta) return;
    const title = $<HTMLInputElement>('rename-input').value;
    close();
    void run(async () => {
      const { store, userId } = state.scope;
      try {
        state.current.meta = await store.update(userId, meta.id, { title }, { expectedVersion: meta.version });
      } catch (error) {
        if (!isConversationStoreError(error) || error.code !== 'CONFLICT') throw error;
        await open(meta.id);
        showNotice(
          `Not renamed: “${meta.title}” was changed elsewhere since you opened it (version ${meta.version}, now ${state.current.meta?.version}). It is reloaded; rename it again if you still want to.`,
          'error',
        );
      }
      await refreshList();
    });
  });
}
