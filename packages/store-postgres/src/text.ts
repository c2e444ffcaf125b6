// PostgreSQL text cannot hold NUL, and the driver turns a lone UTF-16 surrogate into U+FFFD (so two different
// user ids could become one). Such strings are stored as a marker plus their JSON string literal, which is exact
// and injective; every other string is stored as it is.

const MARK = '\u0001';

/** The text to store for a string; identical to it unless it holds NUL, a lone surrogate or starts with the marker. */
export function encodeText(value: string): string {
  return value.includes('\u0000') ||
    value.startsWith(MARK) ||
    !(value as string & { isWellFormed(): boolean }).isWellFormed()
    ? MARK + JSON.stringify(value)
    : value;
}

/** The string `encodeText` was given. */
export function decodeText(stored: string): string {
  return stored.startsWith(MARK) ? (JSON.parse(stored.slice(1)) as string) : stored;
}

/** encodeText for optional values. */
export const encodeOptional = (value: string | undefined): string | null =>
  value === undefined ? null : encodeText(value);
