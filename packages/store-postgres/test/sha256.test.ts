import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Base64, sha256Base64Js } from '../src/sha256.js';

// The hashes are stored (agent_messages.hash) and compared with new ones: every runtime must produce the same text.
const samples = [
  '',
  'a',
  '{"id":"m1","role":"user","parts":[{"type":"text","text":"hello"}]}',
  'héllo wörld 😀 \u2028',
  'x'.repeat(55),
  'y'.repeat(64),
  'z'.repeat(1_000_003),
];

describe('message hashes', () => {
  it("the plain-JavaScript SHA-256 (Workers without nodejs_compat, browsers) gives node:crypto's base64 digest of the UTF-8 text", () => {
    for (const text of samples)
      expect(sha256Base64Js(text)).toBe(createHash('sha256').update(text, 'utf8').digest('base64'));
  });

  it('the hash the store uses gives the same digest', () => {
    for (const text of samples) expect(sha256Base64(text)).toBe(sha256Base64Js(text));
  });
});
