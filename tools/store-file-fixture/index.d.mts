import type { ConversationStore, StoreAdapter } from '@agent-conversations/core';

export declare const KIND: 'file';
/** A store over one JSON file; writes are serialised per file in this process. */
export declare function createFileStore(options: {
  path: string;
  now?: () => number;
  io?: (label: string) => Promise<void>;
}): ConversationStore;
/** Configured by FILE_STORE_PATH; joins auto last. */
export declare const fileAdapter: StoreAdapter;
