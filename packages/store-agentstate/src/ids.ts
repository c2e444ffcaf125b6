const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** SHA-256 of the text as 43 base64url characters (256 bits). */
export async function sha256(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', encoder.encode(text));
  return base64url(new Uint8Array(digest));
}

/**
 * The tag every conversation of a user carries, so `list` filters server-side: `acu_` + SHA-256 of the user id
 * of its JSON text (47 characters of `[A-Za-z0-9_-]`, within AgentState's 50; JSON keeps lone surrogates distinct).
 * Ownership is still checked on every read.
 */
export async function userTag(userId: string): Promise<string> {
  return `acu_${await sha256(`agent-conversations/user\n${JSON.stringify(userId)}`)}`;
}

/**
 * The `external_id` of a user's conversation: `acc_` + SHA-256 of the JSON pair [userId, id]. The JSON encoding makes
 * the pair unambiguous, the hash keeps it short and URL-safe; user B's pair can never produce user A's id.
 */
export async function externalId(userId: string, id: string): Promise<string> {
  return `acc_${await sha256(`agent-conversations/conversation\n${JSON.stringify([userId, id])}`)}`;
}

/** A random write id (128 bits) stamped on every entry a write adds, to recognise it after a lost response. */
export function writeId(): string {
  return base64url(globalThis.crypto.getRandomValues(new Uint8Array(16)));
}
