// Each limit is also a plain constant the checks use directly (smaller in a browser bundle than reading LIMITS);
// the package exports only LIMITS (see index.ts).
export const USER_ID_LENGTH = 256;
export const ID_LENGTH = 128;
export const TITLE_LENGTH = 500;
export const MESSAGE_BYTES = 1_900_000;
export const METADATA_BYTES = 256_000;
export const MESSAGES_PER_WRITE = 10_000;
export const JSON_DEPTH = 200;
export const PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** Hard limits every adapter enforces through core's validation, chosen to fit the tightest backend (D1/SQLite 2 MB rows). */
export const LIMITS = {
  /** Longest user id, in UTF-16 code units. */
  userIdLength: USER_ID_LENGTH,
  /** Longest conversation or message id. */
  idLength: ID_LENGTH,
  /** Longest title. */
  titleLength: TITLE_LENGTH,
  /** Largest single message as UTF-8 JSON. */
  messageBytes: MESSAGE_BYTES,
  /** Largest metadata object as UTF-8 JSON. */
  metadataBytes: METADATA_BYTES,
  /** Most messages in one write. */
  messagesPerWrite: MESSAGES_PER_WRITE,
  /** Deepest JSON nesting accepted. */
  jsonDepth: JSON_DEPTH,
  /** Default and largest `list` page. */
  defaultPageSize: PAGE_SIZE,
  maxPageSize: MAX_PAGE_SIZE,
} as const;

/** The title used when no title is given and no user message has text. */
export const DEFAULT_TITLE = 'New Conversation';
