import { expect, test } from 'vitest';
import { runUntilExit } from './support/server.js';

const REFUSAL = /^The chat demo refuses to start: .+\n$/;

test('NODE_ENV=production with nothing configured refuses to start with one line naming what to configure', async () => {
  const { code, output } = await runUntilExit({ NODE_ENV: 'production' });
  expect(code).toBe(1);
  expect(output).toMatch(REFUSAL);
  expect(output).toContain(
    'The chat demo refuses to start: No persistent conversation store is configured and this is production',
  );
  expect(output).toContain('postgres: none of DATABASE_URL');
});

test('AGENT_CONVERSATION_STORE=memory is refused in production too', async () => {
  const { code, output } = await runUntilExit({ NODE_ENV: 'production', AGENT_CONVERSATION_STORE: 'memory' });
  expect(code).toBe(1);
  expect(output).toMatch(REFUSAL);
  expect(output).toContain('AGENT_CONVERSATION_STORE=memory is not persistent storage and is refused in production');
});

test('production without a session secret refuses to start (no generated key on a server), and prints no password', async () => {
  const { code, output } = await runUntilExit({
    NODE_ENV: 'production',
    DATABASE_URL: 'postgresql://app:hunter2-secret@127.0.0.1:1/app',
  });
  expect(code).toBe(1);
  expect(output).toBe(
    'The chat demo refuses to start: set CHAT_DEMO_SESSION_SECRET (32+ random characters) to sign session cookies in production\n',
  );
  const short = await runUntilExit({
    NODE_ENV: 'production',
    DATABASE_URL: 'postgresql://app:hunter2-secret@127.0.0.1:1/app',
    CHAT_DEMO_SESSION_SECRET: 'too short',
  });
  expect(short.output).toBe(
    'The chat demo refuses to start: CHAT_DEMO_SESSION_SECRET must be at least 32 characters\n',
  );
});
