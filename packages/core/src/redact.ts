const URL_PATTERN = /\b([a-z][a-z0-9+.-]*):\/\/[^\s'"<>`]+/gi;
const AGENTSTATE_KEY = /\bas_(live|test)_[A-Za-z0-9]+/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const KEY_VALUE = /\b(password|passwd|pwd|secret|token|api[_-]?key|apikey)(["']?\s*[=:]\s*["']?)[^\s"'&;,]+/gi;

/** Reduces a URL to `scheme://host[:port]`: no user, password, path or query. */
export function redactUrl(url: string): string {
  try {
    const { protocol, host } = new URL(url);
    return `${protocol}//${host || '[redacted]'}`;
  } catch {
    return '[redacted-url]';
  }
}

/** Removes URLs (down to scheme and host), AgentState keys, bearer tokens, `password=` pairs and every given secret from text. */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.replaceAll(secret, '[redacted]');
  }
  return out
    .replace(URL_PATTERN, redactUrl)
    .replace(AGENTSTATE_KEY, 'as_$1_[redacted]')
    .replace(BEARER, '$1 [redacted]')
    .replace(KEY_VALUE, '$1$2[redacted]');
}

/** A plain copy of an error and its cause chain with every message and stack redacted; driver objects are not kept. */
export function redactCause(
  error: unknown,
  secrets: readonly (string | undefined)[] = [],
  depth = 0,
): Error | undefined {
  if (error == null || depth > 5) return undefined;
  if (!(error instanceof Error)) return new Error(redact(String(error), secrets));
  const copy = new Error(redact(error.message, secrets));
  copy.name = error.name;
  copy.stack = error.stack && redact(error.stack, secrets);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') Object.assign(copy, { code });
  const inner = redactCause((error as { cause?: unknown }).cause, secrets, depth + 1);
  if (inner) Object.assign(copy, { cause: inner });
  return copy;
}
