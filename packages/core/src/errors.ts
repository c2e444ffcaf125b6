import { redact, redactCause } from './redact.js';

/** What went wrong, as a stable code callers can switch on. */
export type ErrorCode = 'VALIDATION' | 'NOT_FOUND' | 'CONFLICT' | 'UNAUTHORIZED' | 'UNAVAILABLE' | 'STORAGE' | 'CONFIG';

export interface ConversationStoreErrorOptions {
  /** The store kind or package that raised it (e.g. `postgres`). */
  adapter?: string;
  /** True when the same call may succeed later (network blip, restart, rate limit). */
  retryable?: boolean;
  /** The underlying error; stored as a redacted copy. */
  cause?: unknown;
  /** Extra strings (passwords, keys) to scrub from the message and cause. */
  secrets?: readonly (string | undefined)[];
}

/** The only error this library throws; message and cause chain are redacted on construction. */
export class ConversationStoreError extends Error {
  declare readonly code: ErrorCode;
  declare readonly adapter: string | undefined;
  declare readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: ConversationStoreErrorOptions = {}) {
    const secrets = options.secrets ?? [];
    const cause = redactCause(options.cause, secrets);
    super(redact(message, secrets), cause ? { cause } : undefined);
    this.name = 'ConversationStoreError';
    this.code = code;
    this.adapter = options.adapter;
    this.retryable = options.retryable ?? code === 'UNAVAILABLE';
    if (this.stack) this.stack = redact(this.stack, secrets);
  }

  toJSON(): { name: string; code: ErrorCode; message: string; adapter?: string; retryable: boolean } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      adapter: this.adapter,
      retryable: this.retryable,
    };
  }
}

/** True for a ConversationStoreError, including one from another copy of this package. */
export function isConversationStoreError(error: unknown): error is ConversationStoreError {
  return (
    error instanceof ConversationStoreError ||
    (error instanceof Error &&
      error.name === 'ConversationStoreError' &&
      typeof (error as { code?: unknown }).code === 'string')
  );
}
