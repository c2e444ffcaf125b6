import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { openVisitor, sendMessage, signIn, userTexts } from './support/browser.js';
import { useDemo } from './support/server.js';

const demo = useDemo();

interface Stored {
  version: number;
  messages: { role: string; parts: { type: string; text?: string }[] }[];
  usage?: { inputTokens?: number; outputTokens?: number; costUsd?: number; durationMs?: number };
}

async function stored(page: Page): Promise<Stored> {
  return page.evaluate(async () => {
    const { items } = (await (await fetch('/api/conversations')).json()) as { items: { id: string }[] };
    return (await (await fetch(`/api/conversations/${items[0]!.id}`)).json()) as Stored;
  });
}

test('each turn saves its usage and cost; a tab that is behind gets CONFLICT and the newer history stays', async () => {
  const first = await openVisitor(demo.browser, demo.server.url);
  await signIn(first, 'dana');
  await sendMessage(first, 'Plan a trip');
  const afterOne = await stored(first);
  expect(afterOne.version).toBe(1);
  expect(afterOne.usage).toMatchObject({
    inputTokens: expect.any(Number),
    outputTokens: expect.any(Number),
    costUsd: expect.any(Number),
    durationMs: expect.any(Number),
  });
  expect(afterOne.usage!.costUsd).toBeGreaterThan(0);

  // A second tab of the same session opens the same conversation at version 1.
  const second = await first.context().newPage();
  await second.goto(demo.server.url);
  await second.locator('#chat-meta', { hasText: 'version 1 ·' }).waitFor();

  await sendMessage(first, 'To Rome');
  const newer = await stored(first);
  expect(newer.version).toBe(2);
  expect(newer.usage!.inputTokens).toBeGreaterThan(afterOne.usage!.inputTokens!);
  expect(newer.usage!.costUsd).toBeGreaterThan(afterOne.usage!.costUsd!);

  await second.fill('#prompt', 'To Paris');
  await second.click('#send');
  await second.locator('#notice-text', { hasText: 'Not sent: this conversation was changed in another tab' }).waitFor();
  // The stale tab is reloaded with the newer history, and nothing it sent was stored.
  await second.locator('#chat-meta', { hasText: 'version 2 · 4 messages' }).waitFor();
  expect(await userTexts(second)).toEqual(['Plan a trip', 'To Rome']);
  expect(await stored(first)).toEqual(newer);
  // Its message is kept for re-sending: it is back in the composer; sending it now adds to the newer history.
  expect(await second.locator('#prompt').inputValue()).toBe('To Paris');
  await second.click('#send');
  await second.locator('#chat-meta', { hasText: 'version 3 · 6 messages' }).waitFor();
  expect(await userTexts(second)).toEqual(['Plan a trip', 'To Rome', 'To Paris']);
  expect((await stored(first)).version).toBe(3);
  // The totals shown are the conversation's: tokens and cost of all three turns.
  const totals = (await stored(first)).usage!;
  expect(await second.locator('#chat-usage').innerText()).toBe(
    `Total: ${(totals.inputTokens! + totals.outputTokens!).toLocaleString('en-US')} tokens · $${totals.costUsd!.toFixed(6)}`,
  );
  await first.context().close();
});
