import { createRequire } from 'node:module';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  launchBrowser,
  listTitles,
  openVisitor,
  screenshot,
  sendMessage,
  signIn,
  userTexts,
} from './support/browser.js';
import { startPgServer, type PgServer } from '@agent-conversations/pg-test-server';
import { startServer, type DemoServer } from './support/server.js';

function storePostgresBuilt(): boolean {
  try {
    createRequire(import.meta.url).resolve('@agent-conversations/store-postgres/register');
    return true;
  } catch (error) {
    console.warn(
      `postgres restart test skipped: @agent-conversations/store-postgres is not built (${(error as Error).message.split('\n')[0]})`,
    );
    return false;
  }
}

// DATABASE_URL of the test run, if given, is used; otherwise a throwaway server is started here.
const given = process.env.DATABASE_URL;

describe.skipIf(!storePostgresBuilt())('with DATABASE_URL on Postgres', () => {
  let pg: PgServer | undefined;
  let url: string;
  let browser: Browser;
  const servers: DemoServer[] = [];

  beforeAll(async () => {
    [pg, browser] = await Promise.all([given ? undefined : startPgServer(), launchBrowser()]);
    url = given ?? pg!.url;
  });

  afterAll(async () => {
    await browser?.close();
    for (const server of servers) await server.stop();
    await pg?.destroy();
  });

  test('after a server restart the visitor is still signed in and the history is still there', async () => {
    const secret = new URL(url).password;
    const user = 'carol';
    // The key that signs session cookies, as a deployment sets it; the same one after the restart.
    const sessionSecret = 'postgres-restart-test-secret-0123456789';
    const first = await startServer({ DATABASE_URL: url, CHAT_DEMO_SESSION_SECRET: sessionSecret });
    servers.push(first);
    expect(first.output()).toMatch(/Stores installed: .*store-postgres/);
    expect(first.output()).toContain('conversation store: postgres (auto: postgres is the first configured backend)');

    const page = await openVisitor(browser, first.url);
    await signIn(page, user);
    // A clean slate, in case DATABASE_URL points at a database an earlier run used.
    await page.evaluate(() => fetch('/api/conversations', { method: 'DELETE' }));
    await page.reload();
    await page.locator('#user-label', { hasText: user }).waitFor();
    await page.locator('#store-kind', { hasText: 'postgres' }).waitFor();
    expect(await page.locator('#store-reason').innerText()).toBe('auto: postgres is the first configured backend');
    expect(await page.locator('#store-persistence').innerText()).toContain('survives restarts');
    await sendMessage(page, 'Remember my seat: 14A');
    await sendMessage(page, 'And a vegetarian meal');
    await page.click('#rename');
    await page.fill('#rename-input', 'Flight preferences');
    await page.click('#rename-form button[type=submit]');
    await page.locator('#chat-title', { hasText: 'Flight preferences' }).waitFor();
    await screenshot(page, 'postgres');
    expect(await page.content()).not.toContain(secret);

    // Restart: a new process on the same port, in production this time. The open page is not reloaded.
    await first.stop();
    const second = await startServer({
      DATABASE_URL: url,
      NODE_ENV: 'production',
      CHAT_DEMO_SESSION_SECRET: sessionSecret,
      PORT: new URL(first.url).port,
    });
    servers.push(second);
    expect(second.url).toBe(first.url);
    expect(second.output()).toContain('conversation store: postgres');
    expect(`${first.output()}${second.output()}`).not.toContain(secret);
    // Still signed in: the next reply from the same page is stored, after the two from before the restart.
    await sendMessage(page, 'And an aisle seat next time');
    await page.reload();
    await page.locator('#user-label', { hasText: user }).waitFor();
    await page.locator('#chat-title', { hasText: 'Flight preferences' }).waitFor();
    expect(await listTitles(page)).toEqual(['Flight preferences']);
    expect(await userTexts(page)).toEqual([
      'Remember my seat: 14A',
      'And a vegetarian meal',
      'And an aisle seat next time',
    ]);
    expect(await page.locator('.message.assistant').count()).toBe(3);
    expect(await page.locator('#chat-meta').innerText()).toMatch(
      /^version 4 · 6 messages · saved on the server \(postgres\)$/,
    );
    await page.context().close();
  });
});
