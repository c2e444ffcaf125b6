import { describe, expect, it } from 'vitest';
import { ConversationStoreError, isConversationStoreError, redact, redactCause, redactUrl } from '../src/index.js';

describe('redaction', () => {
  it('reduces URLs to scheme and host', () => {
    expect(redactUrl('postgresql://app:s3cret@db.example.com:5432/prod?sslmode=require')).toBe(
      'postgresql://db.example.com:5432',
    );
    expect(redactUrl('not a url')).toBe('[redacted-url]');
  });

  it('scrubs URLs, AgentState keys, bearer tokens, password pairs and given secrets from text', () => {
    const text =
      'connect postgres://u:pw1234@h:5432/db failed; key as_live_AbC123xyz; Authorization: Bearer abc.def; password=hunter22 token: t0k3n extra-secret-value';
    const out = redact(text, ['extra-secret-value']);
    for (const secret of ['pw1234', 'as_live_AbC123xyz', 'abc.def', 'hunter22', 't0k3n', 'extra-secret-value', '/db'])
      expect(out).not.toContain(secret);
    expect(out).toContain('postgres://h:5432');
    expect(out).toContain('as_live_[redacted]');
  });

  it('copies a cause chain with every message and stack redacted, keeping codes', () => {
    const root = Object.assign(new Error('auth failed for postgres://u:rootpw@h/db'), { code: '28P01' });
    const outer = new Error('query failed', { cause: root });
    const copy = redactCause(outer) as Error & { cause: Error & { code: string } };
    expect(copy.cause.message).toBe('auth failed for postgres://h');
    expect(copy.cause.code).toBe('28P01');
    expect(JSON.stringify([copy.stack, copy.cause.stack])).not.toContain('rootpw');
  });
});

describe('ConversationStoreError', () => {
  it('carries code, adapter, retryable (default true only for UNAVAILABLE) and a redacted cause', () => {
    const cause = new Error('ECONNREFUSED connecting to postgres://admin:pw9999@10.0.0.1:5432/x');
    const error = new ConversationStoreError('UNAVAILABLE', 'cannot reach postgres://admin:pw9999@10.0.0.1:5432/x', {
      adapter: 'postgres',
      cause,
    });
    expect(error).toMatchObject({
      name: 'ConversationStoreError',
      code: 'UNAVAILABLE',
      adapter: 'postgres',
      retryable: true,
    });
    expect(error.message).toBe('cannot reach postgres://10.0.0.1:5432');
    const serialized = JSON.stringify({
      error,
      cause: (error.cause as Error).message,
      stack: error.stack,
      causeStack: (error.cause as Error).stack,
    });
    expect(serialized).not.toContain('pw9999');
    expect(error.cause).not.toBe(cause);
    expect(new ConversationStoreError('VALIDATION', 'bad').retryable).toBe(false);
    expect(new ConversationStoreError('STORAGE', 'disk', { retryable: true }).retryable).toBe(true);
  });

  it('is recognised across package copies by name and code', () => {
    const foreign = Object.assign(new Error('x'), { name: 'ConversationStoreError', code: 'CONFLICT' });
    expect(isConversationStoreError(foreign)).toBe(true);
    expect(isConversationStoreError(new Error('x'))).toBe(false);
    expect(isConversationStoreError(new ConversationStoreError('CONFIG', 'x'))).toBe(true);
  });
});
