import { expect, test } from 'vitest';
import { runUntilExit } from './support/server.js';

test('NODE_ENV=production with nothing configured refuses to start and prints the fail-closed explanation', async () => {
  const { code, output } = await runUntilExit({ NODE_ENV: 'production' });
  expect(code).toBe(1);
  expect(output).toContain('conversation store: none (production with no persistent backend: auto fails closed)');
  expect(output).toMatch(/refused\s+memory\s+refused in production: memory is lost on restart/);
  expect(output).toContain('The chat demo refuses to start: No persistent conversation store is configured and this is production');
  expect(output).not.toContain('Chat demo on');
});

test('AGENT_CONVERSATION_STORE=memory is refused in production too', async () => {
  const { code, output } = await runUntilExit({ NODE_ENV: 'production', AGENT_CONVERSATION_STORE: 'memory' });
  expect(code).toBe(1);
  expect(output).toContain('AGENT_CONVERSATION_STORE=memory is not persistent storage and is refused in production');
  expect(output).not.toContain('Chat demo on');
});
