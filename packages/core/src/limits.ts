/** Hard limits every adapter enforces through core's validation, chosen to fit the tightest backend (D1/SQLite 2 MB rows). */
export const LIMITS = {
  /** Longest user id, in UTF-16 code units. */
  userIdLength: 256,
  /** Longest conversation or message id. */
  idLength: 128,
  /** Longest title. */
  titleLength: 500,
  /** Largest single message as UTF-8 JSON. */
  messageBytes: 1_900_000,
  /** Largest metadata object as UTF-8 JSON. */
  metadataBytes: 256_000,
  /** Most messages in one write. */
  messagesPerWrite: 10_000,
  /** Deepest JSON nesting accepted. */
  jsonDepth: 200,
  /** Default and largest `list` page. */
  defaultPageSize: 50,
  maxPageSize: 200,
} as const;

/** The title used when no title is given and no user message has text. */
export const DEFAULT_TITLE = 'New Conversation';
